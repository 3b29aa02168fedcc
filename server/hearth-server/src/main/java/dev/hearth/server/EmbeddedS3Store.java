package dev.hearth.server;

import dev.hearth.controlplane.S3CodeReader;
import dev.hearth.core.AccountContext;
import dev.hearth.sigv4.AccessKey;
import dev.hearth.sigv4.CredentialsFile;
import dev.hearth.worker.SandboxCredentials;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The S3-compatible store of the one-command server: S3Proxy with its filesystem store under the data
 * directory ({@code s3/}), reached through Hearth's own endpoint (requests signed for {@code s3} are
 * forwarded to it, see {@code HttpApiServer#forward}) and read by CreateFunction's and
 * UpdateFunctionCode's {@code S3Bucket}/{@code S3Key}.
 *
 * <p>Accounts: with a credentials file, each account has a bucket namespace of its own and S3Proxy
 * checks every request's signature against the file's keys; a cell reads code from its own account's
 * buckets with one of that account's keys. Without one, signatures are not checked and all accounts
 * share one namespace, as Hearth checks no signature then either.
 *
 * <p>Class loading: S3Proxy and its bridge ({@code hearth-s3-embedded}) are loaded from the jars in
 * {@link #libraryDirectory()} in a class loader of their own, whose parent is the platform loader:
 * S3Proxy brings its own Jetty, jclouds, Guava and logging, which must not meet Hearth's. The loader
 * is made once per JVM.
 *
 * <p>Lifecycle: nothing starts until the first request or read needs the store ({@link #endpoint()}),
 * so a server that never uses S3 pays nothing for it. Thread-safe; {@link #close} stops the store.
 */
final class EmbeddedS3Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Store.class);
    /** System property naming the directory of S3Proxy's and the bridge's jars (tests, unusual layouts). */
    static final String LIBRARY_PROPERTY = "hearth.s3.lib";
    private static final String BRIDGE = "dev.hearth.s3.embedded.EmbeddedS3Proxy";
    /** A key for the store when signatures are not checked: any key is accepted then. */
    private static final AwsBasicCredentials UNCHECKED_KEY = AwsBasicCredentials.create("hearth", "unchecked");
    /** S3's version id of an object in a bucket without versioning. */
    private static final String UNVERSIONED = "null";
    private static ClassLoader loader;

    private final Path root;
    private final boolean signed;
    private final Map<String, List<String>> keys;
    private final Function<String, Optional<SandboxCredentials>> sandboxKeys;
    private final Map<String, AwsBasicCredentials> keyOfAccount;
    private final Map<String, SdkS3CodeReader> readers = new ConcurrentHashMap<>();
    private AutoCloseable proxy;
    private URI endpoint;
    private boolean closed;

    /**
     * @param root the directory of the buckets (created 0700 on first use)
     * @param credentials the server's keys, when it checks signatures
     * @param serverAccount the account of keys that name none
     * @param sandboxKeys the live credentials of sandboxes, which may use the store as their function's account
     */
    EmbeddedS3Store(Path root, Optional<CredentialsFile> credentials, AccountContext serverAccount,
            Function<String, Optional<SandboxCredentials>> sandboxKeys) {
        this.root = root;
        this.signed = credentials.isPresent();
        this.sandboxKeys = sandboxKeys;
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        Map<String, AwsBasicCredentials> byAccount = new LinkedHashMap<>();
        for (AccessKey key : credentials.map(CredentialsFile::keys).orElse(List.of())) {
            String account = key.accountId().orElse(serverAccount.accountId());
            byKey.put(key.accessKeyId(), List.of(key.secretAccessKey(), account));
            byAccount.putIfAbsent(account, AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
        }
        this.keys = Map.copyOf(byKey);
        this.keyOfAccount = Map.copyOf(byAccount);
    }

    /** The store's loopback URL; starts it on first use. */
    synchronized URI endpoint() {
        if (closed) {
            throw new IllegalStateException("the embedded S3 store is closed");
        }
        if (endpoint == null) {
            try {
                Class<?> bridge = Class.forName(BRIDGE, true, loader());
                Method start = bridge.getMethod("start", Path.class, String.class, int.class, boolean.class, Function.class);
                Function<String, List<String>> lookup = this::secretAndAccount;
                Object started = start.invoke(null, root, "127.0.0.1", 0, signed, lookup);
                proxy = (AutoCloseable) started;
                int port = (int) bridge.getMethod("port").invoke(started);
                endpoint = URI.create("http://127.0.0.1:" + port);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("the embedded S3 store did not start: " + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the embedded S3 store's jars in " + libraryDirectory() + " do not match this Hearth: " + e, e);
            }
            LOG.info("Embedded S3 store started: buckets under {}, {}", root, !signed
                    ? "one namespace for all accounts (no credentials: signatures not checked)"
                    : "one namespace per account, signatures checked");
        }
        return endpoint;
    }

    /** {@code [secret, account id]} of a key of the credentials file or of a live sandbox; null for another key. */
    private List<String> secretAndAccount(String accessKeyId) {
        List<String> key = keys.get(accessKeyId);
        if (key != null) {
            return key;
        }
        return sandboxKeys.apply(accessKeyId).map(c -> List.of(c.secretAccessKey(), c.account().accountId())).orElse(null);
    }

    /**
     * Reads code from {@code account}'s buckets (the shared ones when signatures are not checked).
     * The store keeps no object versions, so it answers a version id as S3 does for a bucket without
     * versioning: {@code null} is the object, any other is S3's {@code InvalidArgument} (S3Proxy
     * itself would ignore it and answer the current object).
     */
    S3CodeReader readerFor(AccountContext account) {
        return (bucket, key, version) -> {
            if (version.isPresent() && !version.get().equals(UNVERSIONED)) {
                throw new S3CodeReader.ReadFailure("InvalidArgument", "Invalid version id specified", null);
            }
            return reader(account).open(bucket, key, Optional.empty());
        };
    }

    private SdkS3CodeReader reader(AccountContext account) throws S3CodeReader.ReadFailure {
        AwsBasicCredentials key = !signed ? UNCHECKED_KEY : keyOfAccount.get(account.accountId());
        if (key == null) {
            throw new S3CodeReader.ReadFailure("AccessDenied", "Account " + account.accountId()
                    + " has no access key in Hearth's credentials file, so it owns no buckets in the embedded S3 store.", null);
        }
        URI url = endpoint();
        return readers.computeIfAbsent(account.accountId(),
                unused -> new SdkS3CodeReader(url, CodeS3Config.DEFAULT_REGION, StaticCredentialsProvider.create(key)));
    }

    private static synchronized ClassLoader loader() {
        if (loader == null) {
            Path dir = libraryDirectory();
            List<URL> jars = new ArrayList<>();
            try (var files = Files.list(dir)) {
                // the bridge first: its logback.xml is found before S3Proxy's own
                for (Path jar : files.filter(f -> f.toString().endsWith(".jar"))
                        .sorted((a, b) -> Boolean.compare(!isBridge(a), !isBridge(b))).toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new IllegalStateException("the embedded S3 store's jars are missing: cannot list " + dir
                        + " (" + e.getMessage() + "); rebuild Hearth (./mvnw install)", e);
            }
            if (jars.size() < 2) {
                throw new IllegalStateException("the embedded S3 store's jars are missing from " + dir + "; rebuild Hearth (./mvnw install)");
            }
            loader = new URLClassLoader("embedded-s3", jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    private static boolean isBridge(Path jar) {
        return jar.getFileName().toString().startsWith("hearth-s3-embedded");
    }

    /**
     * Where S3Proxy's and the bridge's jars are: {@value #LIBRARY_PROPERTY} if set, else {@code s3/}
     * beside the server's jar (or beside its {@code classes} directory when run from a build).
     */
    static Path libraryDirectory() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path code = Path.of(EmbeddedS3Store.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("s3");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        closed = true;
        try (StartedComponents closing = new StartedComponents()) {
            if (proxy != null) {
                closing.own(proxy);
            }
            readers.values().forEach(closing::own);
        }
        readers.clear();
    }
}
