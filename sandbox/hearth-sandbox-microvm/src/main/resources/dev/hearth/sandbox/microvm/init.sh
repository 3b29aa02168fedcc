#!/bin/sh
# Hearth microVM guest init (PID 1). Written into the initramfs by GuestImageBuilder.
#
# Boot: load the virtio modules (in dependency order), mount the read-only images by their virtio-blk
# serial, mount a size-limited /tmp, bring up the Runtime API path (127.0.0.1:9001 -> slirp guestfwd),
# run /hearth/command (appended per sandbox as a second cpio archive) as the unprivileged
# sbx_user1051 with its output on the "hearth.output" port, report "exit STATUS OOM" on the
# "hearth.control" port, power off. Everything else (this script, the Runtime API forwarder, the
# control loop) runs as root; the function cannot signal or trace them.
# The control port also accepts host commands, one per line: "time EPOCH_SECONDS" sets the clock
# (after a snapshot restore), "saving" (just before the VM is saved) closes the Runtime API
# forwarder's listener and answers "ready-to-save", "restored" (in a clone) starts a new listener
# and ends the Runtime API connections that were open when the VM was saved, "ping" answers "pong".
export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(cat /hearth/modules.order); do
    insmod "/hearth/modules/$m.ko" || echo "hearth-init: insmod $m failed" >&2
done
. /hearth/launch.env

port_device() {
    for p in /sys/class/virtio-ports/*; do
        if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ]; then echo "/dev/${p##*/}"; return 0; fi
    done
    return 1
}
fail() {
    echo "hearth-init: $*" >&2
    [ -n "$CTL" ] && echo "exit 255 0 $*" >&3
    sync
    poweroff -f
}

for b in /sys/block/vd*; do
    case "$(cat "$b/serial" 2>/dev/null)" in
        hearth-system) mount -t ext4 -o ro "/dev/${b##*/}" /usr || fail "cannot mount the system image" ;;
        hearth-runtime) mount -t ext4 -o ro,nodev,nosuid "/dev/${b##*/}" /var/runtime || fail "cannot mount /var/runtime" ;;
        hearth-task) mount -t ext4 -o ro,nodev,nosuid "/dev/${b##*/}" /var/task || fail "cannot mount /var/task" ;;
        hearth-opt) mkdir -p /opt && mount -t ext4 -o ro,nodev,nosuid "/dev/${b##*/}" /opt || fail "cannot mount /opt" ;;
    esac
done
mount -t tmpfs -o "size=${HEARTH_TMP_MB}m,mode=1777,nodev,nosuid" tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777,nodev,nosuid tmpfs /dev/shm

OUT=$(port_device hearth.output) || fail "no hearth.output port"
CTL=$(port_device hearth.control) || fail "no hearth.control port"
# a virtio port opens only once: one read-write descriptor (3) serves the reader loop and the replies
exec 3<>"$CTL"

ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
# Runtime API: every guest connection to port 9001 gets its own nc to the slirp guestfwd address,
# which QEMU connects to the host's unix socket.
forward_runtime_api() {
    nc -ll -p 9001 -e nc 10.0.2.100 9001 </dev/null >/dev/null 2>&1 3>&- &
    FORWARDER=$!
}
# true while something listens on port 9001 (hex 2329)
runtime_api_listening() {
    grep -Eq '^ *[0-9]+: [0-9A-F]+:2329 0+:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
forward_runtime_api

echo "booted" >&3
# the host answers with its clock (the guest has no RTC)
if read -r cmd arg <&3 && [ "$cmd" = time ]; then date -s "@$arg" >/dev/null; fi
# host commands on the control port
(
    while read -r cmd arg; do
        case "$cmd" in
            time) date -s "@$arg" >/dev/null ;;
            ping) echo pong >&3 ;;
            # before a save: no connection may start between here and the save, so that in a clone
            # every forwarding nc but the new listener dates from before the snapshot
            saving)
                kill "$FORWARDER"
                while runtime_api_listening; do sleep 0.01; done
                echo ready-to-save >&3 ;;
            # in a clone: connections forwarded before the snapshot lead nowhere (their host ends
            # belonged to the saved VM); end them so that the runtime sees a closed connection
            # instead of waiting forever. The new listener starts first (nc sets SO_REUSEADDR), so
            # the runtime's reconnection finds it.
            restored)
                before=$(pidof nc)
                forward_runtime_api
                for pid in $before; do kill "$pid"; done ;;
        esac
    done <&3
) &

cd /var/task
# As Lambda: the function runs as sbx_user1051 (uid 993, gid 990 per /etc/passwd), not as root, with
# no_new_privs (no setuid or file-capability gains). busybox's setpriv cannot change uids, so su
# does (root needs no password; -s because the user's shell is /bin/false); su execs the shell,
# which execs the command, so the status is the command's. The root shell opens the output port
# first; /tmp and /dev/shm are mode 1777; /var/task and /var/runtime keep the host trees' modes
# (Hearth extracts packages readable by every uid).
setpriv --nnp su -s /bin/sh sbx_user1051 -c 'exec /bin/sh /hearth/command' </dev/null >"$OUT" 2>&1 3>&- &
wait $!
status=$?
oom=0
dmesg | grep -q "Out of memory" && oom=1
echo "exit $status $oom" >&3
sync
poweroff -f
