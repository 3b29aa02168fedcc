# Shared by ./hearth and ./run-tests: finds a JDK 25+ and installs (or names) the Debian packages Hearth needs.
# Sourced, not executed.

hearth_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

hearth_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(hearth_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(hearth_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  cat >&2 <<'MSG'
Hearth needs a JDK 25 or newer, and none was found (looked at $JAVA_HOME, /usr/lib/jvm/*, and javac on PATH).
Install one, for example Eclipse Temurin 25 (package temurin-25-jdk from the Adoptium apt repository),
or unpack any JDK 25 and point JAVA_HOME at it; then run this command again.
MSG
  return 1
}

# hearth_require_packages PACKAGE:PATH ... — installs each Debian PACKAGE whose PATH is missing.
hearth_require_packages() {
  local missing=() item
  for item in "$@"; do
    [ -e "${item#*:}" ] || missing+=("${item%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]}" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
        echo "Could not install: ${missing[*]}. Run: apt-get install ${missing[*]}" >&2
        return 1
      }
    fi
  else
    echo "Hearth needs these Debian packages: ${missing[*]}. Run: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
}

# Packages the server needs on this host: the runtimes' interpreters, util-linux for the process
# backend, and the default namespace backend's tools (bubblewrap; perl runs the launcher that carries
# the Runtime API in; python3-seccomp compiles the seccomp filter; slirp4netns gives sandboxes outbound
# network and nftables, through util-linux's nsenter, its outbound rules), plus socat, which carries the
# Runtime API into gVisor and microVM sandboxes.
HEARTH_SERVER_PACKAGES=(python3:/usr/bin/python3 nodejs:/usr/bin/node util-linux:/usr/bin/setsid util-linux:/usr/bin/prlimit
  bubblewrap:/usr/bin/bwrap perl-base:/usr/bin/perl socat:/usr/bin/socat python3-seccomp:/usr/share/doc/python3-seccomp
  slirp4netns:/usr/bin/slirp4netns nftables:/usr/sbin/nft util-linux:/usr/bin/nsenter)
# Packages the microvm backend needs: QEMU, a Debian guest kernel, busybox for the guest's init,
# tools to build its images, socat to carry the Runtime API into the guest.
HEARTH_MICROVM_PACKAGES=(qemu-system-x86:/usr/bin/qemu-system-x86_64 linux-image-amd64:/usr/share/doc/linux-image-amd64
  busybox-static:/bin/busybox cpio:/usr/bin/cpio e2fsprogs:/usr/sbin/mkfs.ext4 socat:/usr/bin/socat xz-utils:/usr/bin/xz)
# Packages the test suite needs beyond the server's: AWS CLI v2 and boto3 as real clients, and every backend's tools.
# The gvisor backend: gVisor's runsc, and socat to carry the Runtime API into the sandbox.
HEARTH_GVISOR_PACKAGES=(runsc:/usr/bin/runsc socat:/usr/bin/socat)
HEARTH_TEST_PACKAGES=(awscli:/usr/bin/aws python3-boto3:/usr/lib/python3/dist-packages/boto3 "${HEARTH_MICROVM_PACKAGES[@]}" "${HEARTH_GVISOR_PACKAGES[@]}")

# hearth_sandbox_packages server ARGS... — prints the PACKAGE:PATH items of the backend chosen with
# --sandbox X (or --sandbox=X, else $HEARTH_SANDBOX), beyond the server's: gvisor's and microvm's.
# With $HEARTH_QEMU set, the microvm backend runs that QEMU, so qemu-system-x86 is not required.
hearth_sandbox_packages() {
  local backend="${HEARTH_SANDBOX:-}" previous="" arg item
  for arg in "$@"; do
    case "$previous:$arg" in
      --sandbox:*) backend="$arg" ;;
      *:--sandbox=*) backend="${arg#--sandbox=}" ;;
    esac
    previous="$arg"
  done
  case "$backend" in
    gvisor) printf '%s\n' "${HEARTH_GVISOR_PACKAGES[@]}" ;;
    microvm)
      for item in "${HEARTH_MICROVM_PACKAGES[@]}"; do
        [ -n "${HEARTH_QEMU:-}" ] && [ "${item%%:*}" = qemu-system-x86 ] && continue
        printf '%s\n' "$item"
      done ;;
  esac
}
