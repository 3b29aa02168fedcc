package dev.hearth.s3.embedded;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * S3Proxy serving S3's API from files under one directory: the S3-compatible store of Hearth's
 * one-command server.
 *
 * <p>Stores: when signatures are checked, every account has a bucket namespace of its own ({@code ROOT/ACCOUNT/BUCKET/
 * KEY}), a request reaches the store of the account its access key belongs to, and SigV4 (or SigV2)
 * signatures are checked with that key's secret, chunk signatures of streamed uploads included.
 * Otherwise nothing is checked and every caller shares one namespace ({@code ROOT/shared}), as
 * Hearth itself checks no signature then. An unsigned request sees only the (empty) anonymous store.
 *
 * <p>Class loading: the server loads this class and S3Proxy's jar in a class loader of their own
 * (S3Proxy brings its own Jetty, jclouds and logging), so its entry points take and return JDK types
 * only: {@link #start}, {@link #port}, {@link #close}.
 *
 * <p>Threading: S3Proxy serves requests on its own threads; {@link #close} stops it and waits.
 */
public final class EmbeddedS3Proxy implements AutoCloseable {
    /** Directory of the namespace every caller shares when no keys are configured. */
    public static final String SHARED_STORE = "shared";
    private static final String ANONYMOUS_STORE = ".anonymous";

    private final S3Proxy proxy;
    private final Map<String, BlobStoreContext> contexts = new ConcurrentHashMap<>();

    private EmbeddedS3Proxy(Path root, URI endpoint, boolean signed, Function<String, List<String>> keys) throws IOException {
        BlobStore defaultStore = store(root, signed ? ANONYMOUS_STORE : SHARED_STORE);
        // unknown x-amz-* headers are ignored rather than NotImplemented: sandboxes sign with a session
        // token (x-amz-security-token), which S3Proxy does not know
        S3Proxy.Builder builder = S3Proxy.builder().blobStore(defaultStore).endpoint(endpoint).ignoreUnknownHeaders(true);
        if (signed) {
            // the identity given here is never used: the locator below knows every key
            builder.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "unused", "unused");
        } else {
            builder.awsAuthentication(AuthenticationType.NONE, null, null);
        }
        proxy = builder.build();
        if (signed) {
            proxy.setBlobStoreLocator((identity, container, blob) -> {
                List<String> key = identity == null ? null : keys.apply(identity);
                if (key == null || key.size() != 2) {
                    return null; // S3Proxy answers InvalidAccessKeyId
                }
                try {
                    return Map.entry(key.get(0), store(root, key.get(1)));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot open the bucket store of account " + key.get(1) + ": " + e.getMessage(), e);
                }
            });
        }
    }

    /**
     * Starts S3Proxy on {@code host:port} (0: a free port).
     *
     * @param root directory of the stores; created 0700 when missing
     * @param signed whether signatures are checked; if not, every caller shares one namespace
     * @param keys access key id to {@code [secret key, account id]}, or null for an unknown key; asked
     *     per request (keys may come and go); thread-safe
     * @throws Exception when the stores cannot be opened or the address cannot be bound
     */
    public static EmbeddedS3Proxy start(Path root, String host, int port, boolean signed, Function<String, List<String>> keys)
            throws Exception {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(keys, "keys");
        privateDirectory(root);
        // jclouds finds its providers, and S3Proxy's threads their classes, through the context class
        // loader: this class's own while the store starts (S3Proxy's threads inherit it)
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedS3Proxy.class.getClassLoader());
        try {
            EmbeddedS3Proxy s3 = new EmbeddedS3Proxy(root, URI.create("http://" + host + ":" + port), signed, keys);
            try {
                s3.proxy.start(); // returns once bound and started, or throws
            } catch (Exception | Error e) {
                s3.close();
                throw e;
            }
            return s3;
        } finally {
            thread.setContextClassLoader(callers);
        }
    }

    /** The port S3Proxy listens on. */
    public int port() {
        return proxy.getPort();
    }

    private BlobStore store(Path root, String name) throws IOException {
        BlobStoreContext context = contexts.get(name);
        if (context != null) {
            return context.getBlobStore();
        }
        Path dir = privateDirectory(root.resolve(name));
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedS3Proxy.class.getClassLoader());
        try {
            context = contexts.computeIfAbsent(name, unused -> {
                Properties properties = new Properties();
                properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dir.toString());
                return ContextBuilder.newBuilder("filesystem").overrides(properties).buildView(BlobStoreContext.class);
            });
        } finally {
            thread.setContextClassLoader(callers);
        }
        return context.getBlobStore();
    }

    private static Path privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        try {
            proxy.stop();
        } catch (Exception e) {
            failure = e;
        }
        contexts.values().forEach(BlobStoreContext::close);
        contexts.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
