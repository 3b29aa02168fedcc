package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The module graph read from the build itself (the root pom's {@code <modules>} and each module's
 * {@code pom.xml}) against what {@code docs/architecture.md} shows, and the architecture's layering
 * rules. A dependency counts when it is on a {@code dev.hearth} artifact and is neither of test scope
 * nor a test-jar; the layering rules look at every scope.
 *
 * <p>Run with {@code -Dhearth.updateDocs=true} to rewrite the graph in {@code docs/architecture.md}
 * (between {@value #BEGIN} and {@value #END}) instead of comparing it.
 */
final class TestModuleGraph {
    static final String BEGIN = "<!-- module-graph:begin -->";
    static final String END = "<!-- module-graph:end -->";
    private static final String GROUP = "dev.hearth";
    private static final String FRONTEND = "hearth-frontend";
    /** The Lambda API adapters are wired up by the server alone; the test and benchmark modules may drive them. */
    private static final Set<String> MAY_USE_FRONTEND = Set.of("hearth-server", "hearth-e2e-tests", "hearth-bench");
    /** Sandbox modules that are not backends: the SPI, and the cgroup code the namespace and gvisor backends share. */
    private static final Set<String> NOT_BACKENDS = Set.of("hearth-sandbox-spi", "hearth-sandbox-cgroups");
    /**
     * The only dependencies of one sandbox backend on another, all of test scope: the namespace and
     * gvisor backends' cold-start measurements ({@code ColdStartComparison}, {@code
     * TestGvisorColdStart}) run the {@code process} backend as their baseline. No backend's main code
     * uses another backend: what they share lives in {@code hearth-sandbox-spi} and {@code
     * hearth-sandbox-cgroups}.
     */
    private static final Set<String> ALLOWED_BACKEND_DEPENDENCIES = Set.of(
            "hearth-sandbox-namespace -> hearth-sandbox-process (test)",
            "hearth-sandbox-gvisor -> hearth-sandbox-process (test)");
    private static final String CORE = "hearth-core";

    private static Path root;
    private static List<Module> modules;

    @BeforeAll
    static void readTheBuild() throws Exception {
        root = repositoryRoot();
        modules = new ArrayList<>();
        readModules(root, modules);
        assertThat(modules).as("modules of %s", root.resolve("pom.xml")).extracting(Module::artifactId)
                .contains("hearth-core", "hearth-server").doesNotHaveDuplicates();
    }

    @Test
    void theArchitectureDocumentShowsTheModuleGraph() throws IOException {
        Path doc = root.resolve("docs/architecture.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN + "\n");
        int end = text.indexOf(END, Math.max(begin, 0));
        assertThat(begin).as("%s has a line %s", doc, BEGIN).isNotNegative();
        assertThat(end).as("%s has a line %s after %s", doc, END, BEGIN).isGreaterThan(begin);
        String expected = mermaid(graph(modules));
        int from = begin + BEGIN.length() + 1;
        if (Boolean.getBoolean("hearth.updateDocs")) {
            Files.writeString(doc, text.substring(0, from) + expected + text.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertThat(text.substring(from, end))
                .as("the module graph in %s (regenerate it with -Dhearth.updateDocs=true)", doc)
                .isEqualTo(expected);
    }

    @Test
    void onlyTheServerWiresUpTheLambdaFrontend() {
        List<String> users = modules.stream()
                .filter(m -> m.dependencies().stream().anyMatch(d -> d.artifactId().equals(FRONTEND)))
                .map(Module::artifactId).sorted().toList();
        assertThat(users).as("modules that depend on %s", FRONTEND).isSubsetOf(MAY_USE_FRONTEND);
    }

    @Test
    void noSandboxBackendDependsOnAnother() {
        List<String> found = new ArrayList<>();
        for (Module module : modules) {
            if (isBackend(module.artifactId())) {
                module.dependencies().stream().filter(d -> isBackend(d.artifactId()))
                        .forEach(d -> found.add(module.artifactId() + " -> " + d.artifactId() + " (" + d.scope() + ")"));
            }
        }
        assertThat(found).as("dependencies of one sandbox backend on another").isSubsetOf(ALLOWED_BACKEND_DEPENDENCIES);
    }

    @Test
    void spiModulesDependOnNothingButCore() {
        List<Module> spis = modules.stream().filter(m -> m.artifactId().endsWith("-spi")).toList();
        assertThat(spis).extracting(Module::artifactId).contains("hearth-sandbox-spi", "hearth-store-spi", "hearth-queue-spi",
                "hearth-sqs-spi");
        for (Module spi : spis) {
            assertThat(spi.dependencies()).as("Hearth modules %s depends on", spi.artifactId())
                    .extracting(Dependency::artifactId).allMatch(CORE::equals);
        }
    }

    /** Each module's dependencies that make the graph: neither test scope nor test-jars. */
    static SortedMap<String, SortedSet<String>> graph(List<Module> modules) {
        SortedMap<String, SortedSet<String>> graph = new TreeMap<>();
        for (Module module : modules) {
            SortedSet<String> targets = graph.computeIfAbsent(module.artifactId(), m -> new TreeSet<>());
            for (Dependency dependency : module.dependencies()) {
                if (!dependency.scope().equals("test") && !dependency.testJar()) {
                    targets.add(dependency.artifactId());
                    graph.computeIfAbsent(dependency.artifactId(), m -> new TreeSet<>());
                }
            }
        }
        return graph;
    }

    /** A Mermaid flowchart in a fenced block: every module a node, every dependency an edge, both sorted. */
    static String mermaid(SortedMap<String, SortedSet<String>> graph) {
        StringBuilder out = new StringBuilder("```mermaid\nflowchart LR\n");
        graph.keySet().forEach(node -> out.append("    ").append(id(node)).append("[\"").append(node).append("\"]\n"));
        graph.forEach((from, targets) -> targets.forEach(to ->
                out.append("    ").append(id(from)).append(" --> ").append(id(to)).append('\n')));
        return out.append("```\n").toString();
    }

    private static String id(String artifactId) {
        return artifactId.replace('-', '_');
    }

    private static boolean isBackend(String artifactId) {
        return artifactId.startsWith("hearth-sandbox-") && !NOT_BACKENDS.contains(artifactId);
    }

    /** The nearest directory above the working directory whose pom.xml is {@code hearth-parent}. */
    private static Path repositoryRoot() throws Exception {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && text(parse(pom), "artifactId").equals(Optional.of("hearth-parent"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml of hearth-parent above " + Path.of("").toAbsolutePath());
    }

    /** Reads the modules listed in {@code dir}'s pom.xml, and theirs in turn. */
    private static void readModules(Path dir, List<Module> into) throws Exception {
        Element project = parse(dir.resolve("pom.xml"));
        for (Element listed : children(child(project, "modules"), "module")) {
            Path moduleDir = dir.resolve(listed.getTextContent().strip()).normalize();
            Element pom = parse(moduleDir.resolve("pom.xml"));
            String artifactId = text(pom, "artifactId").orElseThrow(
                    () -> new IllegalStateException(moduleDir.resolve("pom.xml") + " has no artifactId"));
            List<Dependency> dependencies = new ArrayList<>();
            for (Element dependency : children(child(pom, "dependencies"), "dependency")) {
                String group = text(dependency, "groupId").orElse("");
                if (group.equals(GROUP) || group.equals("${project.groupId}")) {
                    boolean testJar = text(dependency, "type").filter("test-jar"::equals).isPresent()
                            || text(dependency, "classifier").filter("tests"::equals).isPresent();
                    dependencies.add(new Dependency(text(dependency, "artifactId").orElseThrow(),
                            text(dependency, "scope").orElse("compile"), testJar));
                }
            }
            into.add(new Module(artifactId, List.copyOf(dependencies)));
            readModules(moduleDir, into);
        }
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        try (InputStream in = Files.newInputStream(pom)) {
            return builder.parse(in, pom.toUri().toString()).getDocumentElement();
        }
    }

    /** The direct child elements of {@code parent} named {@code name}; none when {@code parent} is empty. */
    private static List<Element> children(Optional<Element> parent, String name) {
        List<Element> found = new ArrayList<>();
        parent.ifPresent(p -> {
            for (Node node = p.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element && element.getTagName().equals(name)) {
                    found.add(element);
                }
            }
        });
        return found;
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(Optional.of(parent), name).stream().findFirst();
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip());
    }

    /** One module of the build and its dependencies on Hearth artifacts, in every scope. */
    record Module(String artifactId, List<Dependency> dependencies) {}

    /** A dependency on a Hearth artifact. */
    record Dependency(String artifactId, String scope, boolean testJar) {}
}
