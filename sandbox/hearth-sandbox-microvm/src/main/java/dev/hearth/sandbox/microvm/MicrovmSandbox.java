package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxUsage;
import dev.hearth.threads.HearthThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running microVM: a {@code qemu-system-x86_64} process, its QMP connection and the guest
 * init's control port. Output is QEMU's stdout (the guest's {@code hearth.output} port); the exit
 * status is what the init reports on the control port before it powers the VM off.
 *
 * <p>Threading: thread-safe. A virtual thread reads the control port (answering "booted" with the
 * host's clock); another waits for QEMU to exit and then completes {@link #exit()}.
 *
 * <p>Usage is the peak resident memory of the QEMU process ({@code VmHWM}), i.e. what the sandbox
 * costs the host: guest pages touched plus the emulator's own memory.
 */
public final class MicrovmSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(MicrovmSandbox.class);

    private final String id;
    private final Process process;
    private final VmmControl vmm;
    private final SocketChannel control;
    private final GuestImage guest;
    private final MicrovmShape shape;
    private final QemuCommandLine.VmFiles files;
    private final GuestMemory memory;
    private final String origin;
    private final InstantSource clock;
    private final AtomicReference<GuestReport> report = new AtomicReference<>(new GuestReport.Silent());
    private final AtomicBoolean killed = new AtomicBoolean();
    private final AtomicBoolean memoryHandedOver = new AtomicBoolean();
    private final AtomicLong peakMemory = new AtomicLong();
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> readyToSave = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> pong = new AtomicReference<>(new CompletableFuture<>());
    private final Thread controlReader;

    MicrovmSandbox(String id, Process process, VmmControl vmm, SocketChannel control, GuestImage guest, MicrovmShape shape,
            QemuCommandLine.VmFiles files, GuestMemory memory, String origin, InstantSource clock,
            Consumer<MicrovmSandbox> onExit) {
        this.id = id;
        this.process = process;
        this.vmm = vmm;
        this.control = control;
        this.guest = guest;
        this.shape = shape;
        this.files = files;
        this.memory = memory;
        this.origin = origin;
        this.clock = clock;
        this.controlReader = HearthThreads.virtual("microvm-control-" + id).newThread(this::readControl);
        HearthThreads.startVirtual("microvm-exit-" + id, () -> awaitExit(onExit));
    }

    /** Starts reading the control port; called once the VM runs. */
    void startControl() {
        controlReader.start();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InputStream output() {
        return process.getInputStream();
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    @Override
    public SandboxUsage usage() {
        sampleMemory();
        return new SandboxUsage(peakMemory.get());
    }

    @Override
    public void kill() {
        if (!exit.isDone()) {
            killed.set(true);
            process.destroyForcibly();
        }
    }

    /** A VM can always be paused. */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /**
     * Pauses the guest's vCPUs through the VMM (QMP {@code stop}; Firecracker's {@code Paused}):
     * nothing in the guest runs until {@link #thaw()}. A VM that has ended is left alone.
     */
    @Override
    public void freeze() {
        if (exit.isDone() || killed.get()) {
            return;
        }
        try {
            vmm.pause();
        } catch (IOException e) {
            if (exit.isDone() || killed.get() || !process.isAlive()) {
                return;
            }
            throw new UncheckedIOException("microvm " + id + ": cannot pause it", e);
        }
    }

    /**
     * Resumes the guest's vCPUs, then tells it the host's time (its clock stood still while paused;
     * the guest sets it while the invocation starts, without a round trip).
     */
    @Override
    public void thaw() {
        if (exit.isDone() || killed.get()) {
            return;
        }
        try {
            vmm.resume();
            syncClock();
        } catch (IOException e) {
            if (exit.isDone() || killed.get() || !process.isAlive()) {
                return;
            }
            throw new UncheckedIOException("microvm " + id + ": cannot resume it", e);
        }
    }

    /** The accelerator this VM runs on. */
    public Accelerator accelerator() {
        return shape.accelerator();
    }

    /** The host process id of its QEMU. */
    public long pid() {
        return process.pid();
    }

    /** Its VMM's control API (QEMU's QMP, or Firecracker's REST API). */
    VmmControl vmm() {
        return vmm;
    }

    GuestImage guest() {
        return guest;
    }

    MicrovmShape shape() {
        return shape;
    }

    QemuCommandLine.VmFiles files() {
        return files;
    }

    GuestMemory memory() {
        return memory;
    }

    /** Keeps the RAM file when this VM exits: a snapshot now owns it. */
    void handOverMemory() {
        memoryHandedOver.set(true);
    }

    /** Sends one command line to the guest init (e.g. {@code time 1700000000}). */
    void sendControl(String line) throws IOException {
        synchronized (control) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(UTF_8));
            while (bytes.hasRemaining()) {
                control.write(bytes);
            }
        }
    }

    /**
     * Asks the guest to stop taking Runtime API connections and waits until it confirms, so that
     * every forwarded connection a clone finds open dates from before the save (the clone's
     * "restored" command ends exactly those). Called just before the VM is saved and killed.
     *
     * @throws IOException when the guest does not confirm within {@code timeout} or the VM exits
     */
    void prepareSave(Duration timeout) throws IOException {
        sendControl("saving");
        await(readyToSave, timeout, "confirm it is ready to be saved");
    }

    private void await(CompletableFuture<Void> answer, Duration timeout, String what) throws IOException {
        try {
            answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the guest of " + id + " did not " + what + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IOException("the guest of " + id + " cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the guest of " + id + " to " + what, e);
        }
    }

    /**
     * Asks the guest init whether it is alive ("ping" on the control port) and waits for its
     * "pong": one round trip over virtio-serial through the guest's shell. One ping at a time,
     * and only once the guest's command has started (until then the init reads the control port
     * itself, expecting the host's clock).
     *
     * @throws IOException when no answer comes within {@code timeout} or the VM exits
     */
    synchronized void ping(Duration timeout) throws IOException {
        if (exit.isDone()) {
            throw new IOException(id + " has exited (" + exit.join() + ")");
        }
        CompletableFuture<Void> answered = new CompletableFuture<>();
        pong.set(answered);
        sendControl("ping");
        await(answered, timeout, "answer a ping");
    }

    /** Tells the guest the host's time: after boot (no RTC) and after a restore (the clock stood still). */
    void syncClock() throws IOException {
        sendControl("time " + clock.instant().getEpochSecond());
    }

    private void readControl() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(control), UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                List<String> words = List.of(line.strip().split("\\s+"));
                switch (words.getFirst()) {
                    case "booted" -> {
                        report.compareAndSet(new GuestReport.Silent(), new GuestReport.Booted());
                        syncClock();
                    }
                    case "exit" -> {
                        report.set(new GuestReport.Exited(Integer.parseInt(words.get(1)), words.size() > 2 && words.get(2).equals("1")));
                        if (words.size() > 3) {
                            LOG.warn("microvm {}: guest init failed: {}", id, String.join(" ", words.subList(3, words.size())));
                        }
                    }
                    case "ready-to-save" -> readyToSave.complete(null);
                    case "pong" -> pong.get().complete(null);
                    default -> LOG.warn("microvm {}: unexpected control line: {}", id, line);
                }
            }
        } catch (IOException e) {
            if (process.isAlive()) {
                LOG.warn("microvm {}: control port failed", id, e);
            }
        }
    }

    private void awaitExit(Consumer<MicrovmSandbox> onExit) {
        int qemuStatus;
        while (true) {
            try {
                qemuStatus = process.waitFor();
                if (controlReader.isAlive()) {
                    controlReader.join();
                }
                break;
            } catch (InterruptedException e) {
                LOG.debug("microvm {}: exit watcher interrupted, still waiting", id);
            }
        }
        SandboxExit result = switch (report.get()) {
            case GuestReport.Exited(int status, boolean oom) when !killed.get() -> new SandboxExit(status, oom, false);
            case GuestReport.Exited _ -> new SandboxExit(128 + 9, false, true);
            case GuestReport.Silent _ -> lost(qemuStatus);
            case GuestReport.Booted _ -> lost(qemuStatus);
        };
        IOException exited = new IOException("the VM exited (" + result + ")");
        readyToSave.completeExceptionally(exited);
        pong.get().completeExceptionally(exited);
        closeQuietly();
        if (memory instanceof GuestMemory.SharedFile(Path file) && !memoryHandedOver.get()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("microvm {}: cannot delete RAM file {}", id, file, e);
            }
        }
        onExit.accept(this);
        exit.complete(result);
    }

    private SandboxExit lost(int qemuStatus) {
        if (killed.get()) {
            return new SandboxExit(128 + 9, false, true);
        }
        LOG.warn("microvm {}: QEMU exited with status {} before the guest reported an exit status; QEMU log {},"
                + " guest console {}", id, qemuStatus, files.forwarderLog().resolveSibling("qemu.log"), files.consoleLog());
        return new SandboxExit(255, false, false);
    }

    private void closeQuietly() {
        try {
            vmm.close();
            control.close();
        } catch (IOException e) {
            LOG.debug("microvm {}: closing sockets failed", id, e);
        }
    }

    private void sampleMemory() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
                    peakMemory.accumulateAndGet(kb * 1024, Math::max);
                }
            }
        } catch (IOException e) {
            // the process has exited: the last sample stands
            LOG.trace("microvm {}: no {} any more", id, status);
        }
    }

    @Override
    public String toString() {
        return "MicrovmSandbox[" + id + ", pid " + process.pid() + ", " + shape.accelerator().qemuName() + ", "
                + shape.memoryMb() + " MB, " + shape.cpus() + " vCPU, " + origin + "]";
    }
}
