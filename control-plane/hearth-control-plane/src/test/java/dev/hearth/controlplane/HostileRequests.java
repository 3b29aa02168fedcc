package dev.hearth.controlplane;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * JSON request bodies and path parameters a hostile client might send to the function API, steered
 * by a fuzzer's input: each member of Lambda's request shapes either plausible (so that requests get
 * past the first check and reach the deeper ones) or any JSON value at all — wrong types, nulls, huge
 * and fractional numbers, deep nesting, long strings, unicode, NUL — plus members Lambda does not
 * know, and bodies that are not JSON.
 */
final class HostileRequests {
    static final String ROLE = "arn:aws:iam::000000000000:role/r";
    static final String ZIP_BASE64 = Base64.getEncoder().encodeToString(zip());

    /** Every member of the function API's request bodies, with values that pass or nearly pass. */
    private static final List<Member> MEMBERS = List.of(
            new Member("FunctionName", "\"f1\"", "\"base\"", "\"arn:aws:lambda:us-east-1:000000000000:function:f2\"",
                    "\"000000000000:f3\"", "\"f:1\"", "\"" + "n".repeat(65) + "\""),
            new Member("Runtime", "\"python3.12\"", "\"nodejs22.x\"", "\"java21\"", "\"python2.7\"", "\"cobol\""),
            new Member("Role", "\"" + ROLE + "\"", "\"arn:aws:iam::000000000000:role/other\"", "\"r\""),
            new Member("Handler", "\"app.handler\"", "\"app.\\u0000handler\"", "\"" + "h".repeat(129) + "\""),
            new Member("Code", "{\"ZipFile\":\"" + ZIP_BASE64 + "\"}", "{\"ZipFile\":\"bm90IGEgemlw\"}",
                    "{\"ZipFile\":\"not base64!\"}", "{\"S3Bucket\":\"b\",\"S3Key\":\"k\"}", "{\"ImageUri\":\"i\"}", "{}", "{\"ZipFile\":null}",
                    "{\"ZipFile\":\"\"}", "{\"S3Bucket\":\"b\"}", "{\"S3Bucket\":\"\",\"S3Key\":\"\"}"),
            new Member("ZipFile", "\"" + ZIP_BASE64 + "\"", "\"bm90IGEgemlw\"", "\"%%%\""),
            new Member("S3Bucket", "\"b\""),
            new Member("S3Key", "\"k\""),
            new Member("S3ObjectVersion", "\"v\""),
            new Member("ImageUri", "\"i\""),
            new Member("Description", "\"d\"", "\"" + "d".repeat(257) + "\""),
            new Member("Timeout", "3", "900", "901", "0"),
            new Member("MemorySize", "128", "10240", "10241", "127"),
            new Member("Publish", "true", "false"),
            new Member("DryRun", "true", "false"),
            new Member("PackageType", "\"Zip\"", "\"Image\"", "\"Jar\""),
            new Member("Environment", "{\"Variables\":{\"A1\":\"b\"}}", "{\"Variables\":{\"1A\":\"b\"}}",
                    "{\"Variables\":{\"AWS_REGION\":\"b\"}}", "{\"Variables\":{\"AB\":\"x\\u0000y\"}}", "{\"Variables\":null}",
                    "{\"Variables\":{\"A1\":null}}", "{\"Variables\":{\"A1\":1}}",
                    "{}"),
            new Member("EphemeralStorage", "{\"Size\":512}", "{\"Size\":10240}", "{\"Size\":10241}", "{}", "{\"Size\":null}"),
            new Member("Architectures", "[\"x86_64\"]", "[\"arm64\"]", "[\"x86_64\",\"arm64\"]", "[]", "[\"sparc\"]", "[null]"),
            new Member("Tags", "{\"k\":\"v\"}", "{\"aws:k\":\"v\"}", "{\"\":\"v\"}", "{\"k\":null}"),
            new Member("SnapStart", "{\"ApplyOn\":\"PublishedVersions\"}", "{\"ApplyOn\":\"None\"}", "{\"ApplyOn\":\"Always\"}", "{}", "{\"ApplyOn\":null}"),
            new Member("TracingConfig", "{\"Mode\":\"Active\"}", "{\"Mode\":\"PassThrough\"}", "{\"Mode\":\"Loud\"}", "{}"),
            new Member("Layers", "[]", "[\"arn:aws:lambda:us-east-1:000000000000:layer:l:1\"]", "[\"l\"]", "[null]"),
            new Member("CodeSigningConfigArn", "\"arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0\"",
                    "\"csc\""),
            new Member("RevisionId", "\"00000000-0000-0000-0000-000000000000\""),
            new Member("CodeSha256", "\"" + "A".repeat(43) + "=\"", "\"x\""),
            new Member("FunctionVersion", "\"1\"", "\"$LATEST\"", "\"2\"", "\"0\"", "\"99999999999999999999\""),
            new Member("Name", "\"live\"", "\"next\"", "\"1\"", "\"$LATEST\"", "\"" + "a".repeat(129) + "\""),
            new Member("RoutingConfig", "{\"AdditionalVersionWeights\":{\"1\":0.5}}", "{\"AdditionalVersionWeights\":{\"1\":1.5}}",
                    "{\"AdditionalVersionWeights\":{\"$LATEST\":0.5}}", "{\"AdditionalVersionWeights\":{\"1\":0.5,\"2\":0.1}}", "{\"AdditionalVersionWeights\":{\"1\":null}}",
                    "{\"AdditionalVersionWeights\":null}", "{\"AdditionalVersionWeights\":{}}"),
            new Member("AdditionalVersionWeights", "{\"1\":0.5}"),
            new Member("Variables", "{\"A1\":\"b\"}"),
            new Member("Size", "512"),
            new Member("Mode", "\"Active\""),
            new Member("ApplyOn", "\"None\""),
            new Member("KMSKeyArn", "\"k\""),
            new Member("VpcConfig", "{\"SubnetIds\":[],\"SecurityGroupIds\":[]}"));

    private static final String[] HOSTILE_STRINGS = {
        "", " ", "\\u0000", "a\\u0000b", "\\n", "\\\"", "é", "\\ud83d\\ude00", "\\ud800", "$LATEST", "..", "../x", "%00", "%2F",
        "arn:aws:lambda:us-east-1:000000000000:function:base", "arn:aws-cn:lambda:cn-north-1:000000000000:function:base",
        "arn:aws:lambda:us-east-1:111111111111:function:base:$LATEST", "base:1", "base:live", "base:",
    };
    private static final String[] NUMBERS = {
        "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "1e308", "1e309", "-1e309", "1.5", "0.0000001", "1E2", "100000000000000000000000000000000000000", "-0",
    };

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private HostileRequests() {}

    /** A request body whose members come from {@code members} (and, rarely, from anywhere). */
    static byte[] body(FuzzedDataProvider data, List<String> members) {
        if (data.consumeInt(0, 15) == 0) {
            return data.consumeBytes(data.consumeInt(0, 400));
        }
        var json = new StringBuilder("{");
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            String name = data.consumeInt(0, 15) == 0 ? data.pickValue(MEMBERS).name() : data.pickValue(members);
            if (i > 0) {
                json.append(',');
            }
            json.append(quote(name)).append(':').append(value(data, name));
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A path parameter as the router hands it over (already percent-decoded). */
    static String pathParameter(FuzzedDataProvider data, String... plausible) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> data.consumeString(80);
            case 1 -> decodeEscapes(data.pickValue(HOSTILE_STRINGS));
            default -> data.pickValue(plausible);
        };
    }

    private static String value(FuzzedDataProvider data, String member) {
        if (data.consumeInt(0, 2) != 0) {
            for (Member m : MEMBERS) {
                if (m.name().equals(member)) {
                    return data.pickValue(m.values());
                }
            }
        }
        return anyValue(data, 0);
    }

    private static String anyValue(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth > 3 ? 5 : 9)) {
            case 0 -> "null";
            case 1 -> data.consumeBoolean() ? "true" : "false";
            case 2 -> data.pickValue(NUMBERS);
            case 3 -> Integer.toString(data.consumeInt());
            case 4 -> "\"" + data.pickValue(HOSTILE_STRINGS) + "\"";
            case 5 -> quote(data.consumeString(64));
            case 6 -> quote("x".repeat(data.consumeInt(0, 70_000)));
            case 7 -> {
                int n = data.consumeInt(0, 4);
                var array = new StringBuilder("[");
                for (int i = 0; i < n; i++) {
                    array.append(i > 0 ? "," : "").append(anyValue(data, depth + 1));
                }
                yield array.append(']').toString();
            }
            case 8 -> {
                int n = data.consumeInt(0, 4);
                var object = new StringBuilder("{");
                for (int i = 0; i < n; i++) {
                    String key = data.consumeBoolean() ? data.pickValue(MEMBERS).name() : data.consumeString(8);
                    object.append(i > 0 ? "," : "").append(quote(key)).append(':').append(anyValue(data, depth + 1));
                }
                yield object.append('}').toString();
            }
            default -> {
                int nesting = data.consumeInt(1, 3000);
                yield "[".repeat(nesting) + "]".repeat(nesting);
            }
        };
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** The string a JSON string literal's text stands for (the palette is written with JSON escapes). */
    private static String decodeEscapes(String jsonText) {
        try {
            return PLAIN.readValue("\"" + jsonText + "\"", String.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip() {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write("def handler(event, context):\n    return event\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private record Member(String name, String... values) {}
}
