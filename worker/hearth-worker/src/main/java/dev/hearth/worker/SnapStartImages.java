package dev.hearth.worker;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.worker.SandboxPool.PoolKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart for one worker: at most one snapshot per {@code (function, version, revision)}, taken
 * of a sandbox launched for that purpose once its runtime has finished Init and waits on
 * {@code /next}. Later sandboxes of the version are restored from it.
 *
 * <p>The runtime's {@code /next} is held open while the sandbox is saved; clones see that
 * connection closed and ask again (the runtime clients retry a closed connection once), reaching
 * their own sandbox's Runtime API.
 *
 * <p>Threading: thread-safe; concurrent first invocations share one snapshot in the making. A
 * failed snapshot is forgotten, so the next invocation tries again. Ownership: owns the images and
 * deletes them when their revision is outdated ({@link #deleteOutdated}) or on {@link #close()}.
 */
final class SnapStartImages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartImages.class);

    private final SandboxSnapshots snapshots;
    private final Path directory;
    private final Duration initTimeout;
    private final Executor background;
    private final Map<PoolKey, CompletableFuture<SandboxImage>> images = new ConcurrentHashMap<>();

    SnapStartImages(SandboxSnapshots snapshots, Path directory, Duration initTimeout, Executor background) {
        this.snapshots = snapshots;
        this.directory = directory;
        this.initTimeout = initTimeout;
        this.background = background;
    }

    /**
     * The version's snapshot, taken now if there is none. {@code launch} registers a
     * {@link ExecutionEnvironment.Origin#SNAPSHOT} environment for the function and starts its sandbox with
     * {@link SandboxSnapshots#launchForSnapshot}.
     */
    CompletableFuture<SandboxImage> image(FunctionRevision function,
            Function<FunctionRevision, ExecutionEnvironment> launch) {
        PoolKey key = PoolKey.of(function);
        CompletableFuture<SandboxImage> image = images.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(
                () -> take(function, launch), background));
        image.whenComplete((taken, failure) -> {
            if (failure != null) {
                images.remove(key, image);
            }
        });
        return image;
    }

    private SandboxImage take(FunctionRevision function, Function<FunctionRevision, ExecutionEnvironment> launch) {
        ExecutionEnvironment env = launch.apply(function);
        try {
            env.initialised().get(initTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Sandbox sandbox = env.sandbox().orElseThrow(() -> new IllegalStateException("no sandbox after Init"));
            long start = System.nanoTime();
            SandboxImage image = snapshots.save(sandbox, directory.resolve(env.id));
            LOG.info("SnapStart snapshot of {} taken in {} ms ({} MiB)", function.functionArn(),
                    (System.nanoTime() - start) / 1_000_000, image.sizeBytes() / (1 << 20));
            return image;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentFailedException("interrupted while taking the SnapStart snapshot");
        } catch (Exception e) {
            env.sandbox().ifPresent(Sandbox::kill);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new EnvironmentFailedException("the SnapStart snapshot of " + function.functionArn()
                    + " could not be taken: " + cause);
        }
    }

    /** Deletes the images of revisions {@code isCurrent} rejects; returns how many (some may still be in the making). */
    int deleteOutdated(Predicate<PoolKey> isCurrent) {
        List<PoolKey> outdated = new ArrayList<>();
        images.keySet().forEach(key -> {
            if (!isCurrent.test(key)) {
                outdated.add(key);
            }
        });
        outdated.forEach(key -> {
            CompletableFuture<SandboxImage> image = images.remove(key);
            if (image != null) {
                image.thenAccept(this::delete);
            }
        });
        return outdated.size();
    }

    private void delete(SandboxImage image) {
        try {
            snapshots.delete(image);
        } catch (IOException e) {
            LOG.warn("could not delete SnapStart image {}", image.directory(), e);
        }
    }

    /** Deletes every finished image (sandboxes restored from them keep running). */
    @Override
    public void close() {
        images.values().forEach(image -> image.thenAccept(this::delete));
        images.clear();
    }
}
