package dev.hearth.sigv4;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.Optional;

/**
 * The key pairs of an AWS shared-credentials file ({@code ~/.aws/credentials}): {@code [name]}
 * sections (also {@code [profile name]}) with {@code aws_access_key_id} and
 * {@code aws_secret_access_key}; {@code #} and {@code ;} comment lines; blank lines; whitespace
 * around names and values. A profile's {@code aws_account_id} (the AWS SDKs' own setting) names the
 * account its key acts in. Other keys ({@code aws_session_token}, {@code region}, ...) are ignored,
 * and so are sections that name no key pair at all. Every profile's key pair is accepted.
 *
 * <p>Immutable and thread-safe once loaded. Loading fails with an {@link IllegalArgumentException}
 * naming the file and line for a malformed line, a key outside a section, a profile with only half
 * a key pair, or one access key id with two different secrets.
 */
public final class CredentialsFile implements CredentialsLookup {
    static final String ACCESS_KEY_ID = "aws_access_key_id";
    static final String SECRET_ACCESS_KEY = "aws_secret_access_key";
    /** The account a profile's key acts in (the AWS SDKs' and CLI's own setting of that name). */
    static final String ACCOUNT_ID = "aws_account_id";

    private final Map<String, AccessKey> keysById;

    private CredentialsFile(Map<String, AccessKey> keysById) {
        this.keysById = Map.copyOf(keysById);
    }

    /**
     * Reads and parses the file at {@code path} (UTF-8).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is malformed
     */
    public static CredentialsFile load(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    }

    /**
     * Parses credentials-file text; {@code source} names it in error messages.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    public static CredentialsFile parse(String content, String source) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(source, "source");
        Map<String, Section> sections = new LinkedHashMap<>();
        Section current = null;
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw malformed(source, lineNumber, "a section header must look like [profile-name], found '" + line + "'");
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (name.startsWith("profile ")) {
                    name = name.substring("profile ".length()).strip();
                }
                if (name.isEmpty()) {
                    throw malformed(source, lineNumber, "the section name is empty");
                }
                current = sections.computeIfAbsent(name, n -> new Section(n, lineNumber));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw malformed(source, lineNumber, "expected 'name = value', a [section] or a comment, found '" + redact(line) + "'");
            }
            if (current == null) {
                throw malformed(source, lineNumber, "'" + line.substring(0, eq).strip() + "' appears before any [section]");
            }
            current.values.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), new Value(line.substring(eq + 1).strip(), lineNumber));
        }
        return new CredentialsFile(keysOf(sections.values(), source));
    }

    @Override
    public Optional<AccessKey> find(String accessKeyId) {
        return Optional.ofNullable(keysById.get(accessKeyId));
    }

    /** Every key pair in the file, one per profile that has one. */
    public List<AccessKey> keys() {
        return List.copyOf(keysById.values());
    }

    private record Value(String text, int line) {
    }

    private static final class Section {
        final String name;
        final int line;
        final Map<String, Value> values = new HashMap<>();

        Section(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    private static Map<String, AccessKey> keysOf(Iterable<Section> sections, String source) {
        Map<String, AccessKey> keys = new LinkedHashMap<>();
        for (Section section : sections) {
            Value id = section.values.get(ACCESS_KEY_ID);
            Value secret = section.values.get(SECRET_ACCESS_KEY);
            if (id == null && secret == null) {
                continue;
            }
            if (id == null || secret == null) {
                String absent = id == null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY;
                throw malformed(source, section.line, "profile [" + section.name + "] has no " + absent);
            }
            for (Value value : List.of(id, secret)) {
                if (value.text().isEmpty()) {
                    throw malformed(source, value.line(), "profile [" + section.name + "] has an empty value");
                }
            }
            Value account = section.values.get(ACCOUNT_ID);
            if (account != null && !account.text().matches("\\d{12}")) {
                throw malformed(source, account.line(), "profile [" + section.name + "] has an " + ACCOUNT_ID
                        + " that is not 12 digits: '" + account.text() + "'");
            }
            AccessKey key = new AccessKey(id.text(), secret.text(), section.name,
                    Optional.ofNullable(account).map(Value::text));
            AccessKey earlier = keys.putIfAbsent(key.accessKeyId(), key);
            if (earlier != null && !earlier.secretAccessKey().equals(key.secretAccessKey())) {
                throw malformed(source, id.line(), "access key id " + key.accessKeyId() + " of profile [" + section.name
                        + "] already belongs to profile [" + earlier.owner() + "] with a different secret");
            }
        }
        return keys;
    }

    /** Never echo what might be a secret into an error message. */
    private static String redact(String line) {
        return line.length() <= 4 ? line : line.substring(0, 4) + "...";
    }

    private static IllegalArgumentException malformed(String source, int line, String problem) {
        return new IllegalArgumentException("Malformed AWS credentials file " + source + ", line " + line + ": " + problem);
    }

    /** Number of key pairs; for diagnostics. */
    public int size() {
        return keysById.size();
    }

    @Override
    public String toString() {
        return "CredentialsFile[" + new ArrayList<>(keysById.keySet()) + "]";
    }
}
