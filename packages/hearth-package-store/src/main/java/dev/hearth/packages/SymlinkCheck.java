package dev.hearth.packages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a package's symbolic links are safe, on the planned tree, before any link exists on
 * disk. A link is kept only if its target is relative and the whole chain stays inside the package
 * root: each step is resolved the way the kernel would, substituting links met on the way (links to
 * links, links through directories that are links), and a {@code ..} that would climb above the root
 * rejects the package. A path component that does not exist is passed over lexically, which is at
 * least as strict as the kernel (which would stop there). A dangling link whose path stays inside the
 * package is allowed: it cannot reach anything outside. More than {@value #MAX_LINK_HOPS} links in one
 * chain (Linux's limit, reached by loops) rejects the package.
 *
 * <p>Stateless apart from its inputs; used by one extraction.
 */
final class SymlinkCheck {
    /** Linux's {@code MAXSYMLINKS}. */
    static final int MAX_LINK_HOPS = 40;
    /** Linux's {@code PATH_MAX} less the terminating NUL: the longest target a link can hold. */
    static final int MAX_TARGET_BYTES = 4095;

    /**
     * Most path steps the check takes over all links of one package: long targets through many links
     * would otherwise cost time quadratic in the zip's size. Real packages need a few per link.
     */
    static final int MAX_RESOLUTION_STEPS = 1_000_000;

    private final PackageTree tree;
    private final Map<EntryPath, String> targets;
    private final int maxPathDepth;
    private int steps;

    /**
     * @param targets each link's target, keyed by the link's path; every {@link PackageTree.Symlink}
     *     of {@code tree} must have one
     */
    SymlinkCheck(PackageTree tree, Map<EntryPath, String> targets, PackageLimits limits) {
        this.tree = tree;
        this.targets = Map.copyOf(targets);
        this.maxPathDepth = limits.maxPathDepth();
    }

    /** Validates the target text of one link, without looking at the tree. */
    static void checkTargetText(String entryName, String target) {
        if (target.isEmpty()) {
            throw PackageRejections.badEntry(entryName, "is a symbolic link with an empty target");
        }
        if (target.indexOf('\0') >= 0) {
            throw PackageRejections.badEntry(entryName, "is a symbolic link whose target contains a NUL character");
        }
        if (target.getBytes(StandardCharsets.UTF_8).length > MAX_TARGET_BYTES) {
            throw PackageRejections.badEntry(
                    entryName, "is a symbolic link whose target is longer than " + MAX_TARGET_BYTES + " bytes");
        }
        if (target.startsWith("/") || target.startsWith("\\") || target.matches("^[A-Za-z]:.*")) {
            throw PackageRejections.badEntry(
                    entryName, "is a symbolic link to an absolute path (" + target + "); only relative links inside the package are allowed");
        }
        for (String segment : target.split("/", -1)) {
            if (segment.indexOf('\\') >= 0 && List.of(segment.split("\\\\", -1)).contains("..")) {
                throw PackageRejections.badEntry(entryName,
                        "is a symbolic link to " + target + ", which would escape the package if backslashes were separators");
            }
        }
    }

    /**
     * Resolves every link of the tree.
     *
     * @throws dev.hearth.core.LambdaException naming the first link that escapes the package or loops
     */
    void verifyAll() {
        for (PackageTree.Node node : tree.nodes()) {
            switch (node) {
                case PackageTree.Symlink link -> verify(link);
                case PackageTree.Directory _, PackageTree.RegularFile _ -> {}
            }
        }
    }

    private void verify(PackageTree.Symlink link) {
        String entryName = link.entry().getName();
        List<String> current = new ArrayList<>(link.path().parent().orElseThrow().segments());
        Deque<String> pending = new ArrayDeque<>(segmentsOf(targetOf(link)));
        int hops = 1;
        while (!pending.isEmpty()) {
            String segment = pending.removeFirst();
            if (++steps > MAX_RESOLUTION_STEPS) {
                throw PackageRejections.badEntry(entryName,
                        "is a symbolic link in a package whose links take more than " + MAX_RESOLUTION_STEPS
                                + " steps to check");
            }
            if (segment.equals("..")) {
                if (current.isEmpty()) {
                    throw PackageRejections.badEntry(entryName,
                            "is a symbolic link to " + targetOf(link) + ", which resolves outside the package");
                }
                current.removeLast();
                continue;
            }
            current.add(segment);
            if (current.size() > maxPathDepth) {
                continue; // deeper than any entry: nothing there to substitute
            }
            if (tree.get(new EntryPath(current)).orElse(null) instanceof PackageTree.Symlink next) {
                hops++;
                if (hops > MAX_LINK_HOPS) {
                    throw PackageRejections.badEntry(entryName,
                            "is a symbolic link that passes more than " + MAX_LINK_HOPS + " links (a loop?)");
                }
                current.removeLast();
                List<String> substituted = segmentsOf(targetOf(next));
                for (int i = substituted.size() - 1; i >= 0; i--) {
                    pending.addFirst(substituted.get(i));
                }
            }
        }
    }

    private String targetOf(PackageTree.Symlink link) {
        String target = targets.get(link.path());
        if (target == null) {
            throw new IllegalStateException("no target read for link " + link.path());
        }
        return target;
    }

    /** A relative target's segments, '.' and empty segments dropped, as the kernel reads them. */
    private static List<String> segmentsOf(String target) {
        List<String> segments = new ArrayList<>();
        for (String segment : target.split("/", -1)) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return segments;
    }
}
