package dev.hearth.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the host for a new sandbox among several, packing densely: the host that fits the
 * sandbox's MemorySize and is already the fullest by its dominant resource (reserved memory or vCPU
 * share of running invocations, as a fraction of the host), so that empty hosts stay empty for
 * large functions. Hearth runs one worker per host today; the server places on its one host.
 *
 * <p>Threading: thread-safe; a choice reads each host's usage once and is advisory (the chosen
 * host's {@link HostCapacity#admit} decides).
 */
public final class Placement {
    private final List<HostCapacity> hosts;
    private final double vcpusPerHost;

    /** @param vcpusPerHost each host's CPUs, to weigh CPU shares against memory */
    public Placement(List<HostCapacity> hosts, double vcpusPerHost) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("placement needs at least one host");
        }
        this.hosts = List.copyOf(hosts);
        this.vcpusPerHost = vcpusPerHost;
    }

    /** The host to start a sandbox of {@code memoryMb} on, or empty when none has the budget. */
    public Optional<HostCapacity> choose(int memoryMb) {
        record Candidate(HostCapacity host, double fullness) {}
        return hosts.stream()
                .filter(host -> host.freeBudgetMb() >= memoryMb)
                .map(host -> {
                    HostCapacity.Usage usage = host.usage();
                    double memory = (double) usage.runningMb() / host.settings().runningBudgetMb();
                    double cpu = usage.runningVcpus() / vcpusPerHost;
                    return new Candidate(host, Math.max(memory, cpu));
                })
                .max(Comparator.comparingDouble(Candidate::fullness))
                .map(Candidate::host);
    }

    public List<HostCapacity> hosts() {
        return hosts;
    }
}
