package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaRequest;

/**
 * {@code docs/compatibility.md} against Lambda's service model: the matrix has exactly one row per
 * operation of the model, each row's status is {@code supported}, {@code planned} or {@code out of
 * scope}, a supported row names at least one test ({@code `TestClass#method`}, or with the package
 * when the simple name is not unique) that exists in some module's {@code src/test/java} as a
 * {@code @Test} or {@code @ParameterizedTest} method that is not disabled, a planned row names its
 * issue, and an out-of-scope row its reason.
 *
 * <p>The model is read from what every build has: the operations of the AWS SDK for Java v2 on the
 * test class path ({@link LambdaClient} and {@link LambdaAsyncClient}: every method taking a
 * {@link LambdaRequest} subclass names one operation). The SDK leaves out Lambda's deprecated
 * {@code InvokeAsync}, so the matrix may also name the operations of {@link #NOT_IN_JAVA_SDK}.
 * Where botocore's model files are installed (boto3's under pyenv, the AWS CLI v2's own, or those
 * named by the system property {@value #BOTOCORE_MODELS_PROPERTY}, separated by the path
 * separator), their operations must be in the matrix too; without them the test still runs on the
 * SDK alone.
 */
final class TestCompatibilityMatrix {
    static final String DOCUMENT = "docs/compatibility.md";
    static final String HEADER = "| operation | status | evidence / issue / reason |";
    static final String BOTOCORE_MODELS_PROPERTY = "hearth.botocoreLambdaModels";
    static final Set<String> STATUSES = Set.of("supported", "planned", "out of scope");
    /** Operations of Lambda's model that the AWS SDK for Java v2 does not generate (2.51.3 has no InvokeAsync). */
    static final Set<String> NOT_IN_JAVA_SDK = Set.of("InvokeAsync");
    /** Where botocore keeps Lambda's model, below a {@code botocore} package directory. */
    private static final String BOTOCORE_MODEL_DIR = "data/lambda/2015-03-31";
    private static final Pattern TEST_REFERENCE = Pattern.compile(
            "`((?:[a-z][a-z0-9_]*\\.)*Test[A-Za-z0-9_]*)#([A-Za-z_][A-Za-z0-9_]*)`");
    private static final Pattern ISSUE = Pattern.compile("\\bissue \\d+\\b");
    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(?:[\\w.]+\\.)?(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");
    private static final Pattern DISABLED = Pattern.compile("@(?:[\\w.]+\\.)?Disabled\\w*\\b");
    private static final Set<String> NOT_SOURCE_DIRECTORIES = Set.of(".git", "target", "node_modules", ".mvn");

    private static Path root;
    private static List<Row> rows;

    @BeforeAll
    static void readTheMatrix() throws IOException {
        root = repositoryRoot();
        rows = parse(Files.readString(root.resolve(DOCUMENT), StandardCharsets.UTF_8));
        assertThat(rows).as("rows of the table under '%s' in %s", HEADER, DOCUMENT).isNotEmpty();
    }

    @Test
    void everyOperationOfTheServiceModelIsInTheMatrix() throws IOException {
        SortedSet<String> model = new TreeSet<>(javaSdkOperations());
        botocoreOperations().values().forEach(model::addAll);
        SortedSet<String> missing = new TreeSet<>(model);
        missing.removeAll(operations());
        assertThat(missing).as("operations of Lambda's service model without a row in %s", DOCUMENT).isEmpty();
    }

    @Test
    void everyOperationInTheMatrixIsInTheServiceModel() throws IOException {
        SortedMap<Path, SortedSet<String>> botocore = botocoreOperations();
        SortedSet<String> known = new TreeSet<>(javaSdkOperations());
        known.addAll(NOT_IN_JAVA_SDK);
        botocore.values().forEach(known::addAll);
        SortedSet<String> unknown = new TreeSet<>(operations());
        unknown.removeAll(known);
        assertThat(unknown).as("rows of %s that name no operation of Lambda's service model", DOCUMENT).isEmpty();

        assertThat(javaSdkOperations()).as("the AWS SDK for Java v2 still lacks what NOT_IN_JAVA_SDK says it lacks")
                .doesNotContainAnyElementsOf(NOT_IN_JAVA_SDK);
        botocore.forEach((file, operations) -> assertThat(operations).as("operations of %s", file).containsAll(NOT_IN_JAVA_SDK));
    }

    @Test
    void supportedOperationsNameTestsThatExist() throws IOException {
        Map<String, List<Path>> testSources = testSources();
        List<String> problems = new ArrayList<>();
        for (Row row : rows) {
            if (!row.status().equals("supported")) {
                continue;
            }
            Matcher reference = TEST_REFERENCE.matcher(row.evidence());
            boolean any = false;
            while (reference.find()) {
                any = true;
                String found = checkTest(testSources, reference.group(1), reference.group(2));
                if (!found.isEmpty()) {
                    problems.add(row.operation() + ": " + found);
                }
            }
            if (!any) {
                problems.add(row.operation() + ": names no test as `TestClass#method`");
            }
        }
        assertThat(problems).as("supported rows of %s and the tests they name", DOCUMENT).isEmpty();
    }

    @Test
    void eachRowHasOneOperationAStatusAndWhatSupportsIt() {
        List<String> problems = new ArrayList<>();
        String previous = "";
        for (Row row : rows) {
            if (!row.operation().matches("[A-Z][A-Za-z0-9]+")) {
                problems.add("'" + row.operation() + "' is not an operation name (plain, without backticks)");
            }
            if (row.operation().compareTo(previous) <= 0) {
                problems.add(row.operation() + " comes after " + previous + ": keep the rows sorted by operation, once each");
            }
            previous = row.operation();
            switch (row.status()) {
                case "supported" -> { }
                case "planned" -> {
                    if (!ISSUE.matcher(row.evidence()).find()) {
                        problems.add(row.operation() + " is planned but names no 'issue N'");
                    }
                }
                case "out of scope" -> {
                    if (row.evidence().isBlank()) {
                        problems.add(row.operation() + " is out of scope without a reason");
                    }
                }
                default -> problems.add(row.operation() + " has status '" + row.status() + "', not one of " + new TreeSet<>(STATUSES));
            }
        }
        assertThat(problems).as("rows of %s", DOCUMENT).isEmpty();
    }

    /** Lambda's operations as the AWS SDK for Java v2 on the class path generates them. */
    static SortedSet<String> javaSdkOperations() {
        SortedSet<String> operations = new TreeSet<>();
        for (Class<?> client : List.of(LambdaClient.class, LambdaAsyncClient.class)) {
            for (Method method : client.getMethods()) {
                for (Class<?> parameter : method.getParameterTypes()) {
                    if (LambdaRequest.class.isAssignableFrom(parameter) && parameter != LambdaRequest.class) {
                        operations.add(parameter.getSimpleName().replaceFirst("Request$", ""));
                    }
                }
            }
        }
        assertThat(operations).as("operations of the AWS SDK for Java v2's Lambda clients")
                .contains("CreateFunction", "Invoke", "InvokeWithResponseStream", "ListFunctions");
        return operations;
    }

    /** The operations of every botocore model of Lambda found on this machine, by file; none when there is none. */
    static SortedMap<Path, SortedSet<String>> botocoreOperations() throws IOException {
        ObjectMapper json = new ObjectMapper();
        SortedMap<Path, SortedSet<String>> models = new TreeMap<>();
        for (Path file : botocoreModels()) {
            JsonNode model;
            try (InputStream raw = Files.newInputStream(file);
                    InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                model = json.readTree(in);
            }
            SortedSet<String> operations = new TreeSet<>();
            for (Iterator<String> names = model.path("operations").fieldNames(); names.hasNext(); ) {
                operations.add(names.next());
            }
            assertThat(operations).as("operations in %s", file).contains("CreateFunction", "Invoke");
            models.put(file, operations);
        }
        return models;
    }

    private static List<Path> botocoreModels() throws IOException {
        List<Path> models = new ArrayList<>();
        for (String file : System.getProperty(BOTOCORE_MODELS_PROPERTY, "").split(Pattern.quote(File.pathSeparator))) {
            if (!file.isBlank()) {
                Path path = Path.of(file);
                assertThat(path).as("a model named by -D%s", BOTOCORE_MODELS_PROPERTY).isRegularFile();
                models.add(path);
            }
        }
        List<Path> packages = new ArrayList<>();
        String pyenv = System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv");
        for (Path version : children(Path.of(pyenv, "versions"))) {
            for (Path lib : children(version.resolve("lib"))) {
                packages.add(lib.resolve("site-packages/botocore"));
            }
        }
        packages.add(Path.of("/usr/lib/python3/dist-packages/botocore"));
        packages.add(Path.of("/usr/lib/python3/dist-packages/awscli/botocore"));
        packages.add(Path.of("/usr/local/aws-cli/v2/current/dist/awscli/botocore"));
        for (Path botocore : packages) {
            for (String name : List.of("service-2.json.gz", "service-2.json")) {
                Path file = botocore.resolve(BOTOCORE_MODEL_DIR).resolve(name);
                if (Files.isRegularFile(file)) {
                    models.add(file.toRealPath());
                    break;
                }
            }
        }
        return models.stream().distinct().toList();
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        }
        return children;
    }

    private static SortedSet<String> operations() {
        SortedSet<String> operations = new TreeSet<>();
        rows.forEach(row -> operations.add(row.operation()));
        return operations;
    }

    /**
     * The rows of the table whose header is {@link #HEADER}: each line starting with {@code |} after
     * the header's separator line, up to the first line that does not.
     */
    static List<Row> parse(String document) {
        List<String> lines = document.lines().toList();
        int header = lines.stream().map(String::strip).toList().indexOf(HEADER);
        assertThat(header).as("%s has the table header %s", DOCUMENT, HEADER).isNotNegative();
        assertThat(lines.get(header + 1).strip()).as("the line after the header").matches("\\|(\\s*:?-+:?\\s*\\|){3}");
        List<Row> parsed = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.strip().startsWith("|")) {
                break;
            }
            List<String> cells = cells(line.strip());
            assertThat(cells).as("cells of %s", line).hasSize(3);
            parsed.add(new Row(cells.get(0), cells.get(1), cells.get(2)));
        }
        return parsed;
    }

    /** The cells of one table line, split at every {@code |} not escaped as {@code \|}. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        return cells;
    }

    /** Every test source file under a module's {@code src/test/java}, by fully qualified and by simple class name. */
    private static Map<String, List<Path>> testSources() throws IOException {
        Map<String, List<Path>> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = root.relativize(file);
                boolean skipped = false;
                for (Path part : relative) {
                    skipped |= NOT_SOURCE_DIRECTORIES.contains(part.toString());
                }
                String path = relative.toString().replace('\\', '/');
                int sources = path.indexOf("src/test/java/");
                if (skipped || sources < 0 || !path.endsWith(".java")) {
                    continue;
                }
                String qualified = path.substring(sources + "src/test/java/".length(), path.length() - ".java".length())
                        .replace('/', '.');
                byName.computeIfAbsent(qualified, n -> new ArrayList<>()).add(file);
                byName.computeIfAbsent(qualified.substring(qualified.lastIndexOf('.') + 1), n -> new ArrayList<>()).add(file);
            }
        }
        return byName;
    }

    /** What is wrong with the reference {@code className#method}; empty when it names an enabled test. */
    private static String checkTest(Map<String, List<Path>> testSources, String className, String method) throws IOException {
        List<Path> files = testSources.getOrDefault(className, List.of());
        if (files.isEmpty()) {
            return className + " is not a test class in any module's src/test/java";
        }
        if (files.size() > 1) {
            return className + " is ambiguous (" + files.stream().map(root::relativize).toList()
                    + "): name it with its package";
        }
        List<String> lines = Files.readAllLines(files.getFirst(), StandardCharsets.UTF_8);
        Pattern declaration = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(");
        for (int i = 0; i < lines.size(); i++) {
            if (declaration.matcher(lines.get(i)).find()) {
                String annotations = annotationsAbove(lines, i);
                if (!TEST_ANNOTATION.matcher(annotations).find()) {
                    return className + "#" + method + " is not annotated as a test";
                }
                if (DISABLED.matcher(annotations).find()) {
                    return className + "#" + method + " is disabled";
                }
                return "";
            }
        }
        return className + " has no test method " + method;
    }

    /**
     * The declaration line and the lines right above it that may hold its annotations: up to a blank
     * line, the end of a statement or block, or the end of a comment.
     */
    private static String annotationsAbove(List<String> lines, int declaration) {
        StringBuilder block = new StringBuilder(lines.get(declaration));
        for (int i = declaration - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.endsWith(";") || line.equals("}") || line.endsWith("*/") || line.startsWith("//")) {
                break;
            }
            block.insert(0, line + "\n");
        }
        return block.toString();
    }

    /** The nearest directory above the working directory that holds the matrix and a pom.xml of hearth-parent. */
    private static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.isRegularFile(dir.resolve(DOCUMENT))
                    && Files.readString(pom, StandardCharsets.UTF_8).contains("<artifactId>hearth-parent</artifactId>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with pom.xml of hearth-parent and " + DOCUMENT + " above "
                + Path.of("").toAbsolutePath());
    }

    /** One line of the matrix. */
    record Row(String operation, String status, String evidence) {}
}
