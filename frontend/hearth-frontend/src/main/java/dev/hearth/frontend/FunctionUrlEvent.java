package dev.hearth.frontend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.controlplane.FunctionUrl;
import dev.hearth.http.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the event a function receives for a request to its URL: Lambda's payload format 2.0 ({@code
 * version}, {@code routeKey} {@code $default}, {@code rawPath}, {@code rawQueryString}, {@code cookies},
 * {@code headers} with lower-case names and several values joined by commas, {@code
 * queryStringParameters} likewise, {@code requestContext} with {@code http}, {@code body} and {@code
 * isBase64Encoded}). A body is passed as text when its {@code Content-Type} is textual ({@code text/*},
 * JSON, XML, JavaScript), else base64-encoded. Members a request has nothing for ({@code cookies},
 * {@code queryStringParameters}, {@code body}) are left out, as Lambda leaves them out. Stateless and
 * thread-safe.
 */
final class FunctionUrlEvent {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);

    /** Who called an {@code AWS_IAM} URL, as its signature names them. */
    record IamCaller(String accessKey, String accountId) {}

    /**
     * The event of {@code request}, which reached {@code url}.
     *
     * @param rawPath the path the function sees (for a path-style request, without the URL id)
     * @param domainName the URL's host name ({@code <url-id>.lambda-url.<region>.<domain>})
     * @param caller the signer of an {@code AWS_IAM} URL's request; empty for {@code NONE}
     */
    static byte[] of(ApiRequest request, FunctionUrl url, String rawPath, String domainName, Optional<IamCaller> caller,
            Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", rawPath);
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        List<String> cookies = cookies(request);
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        Map<String, String> headers = new TreeMap<>();
        request.headers().forEach((name, values) -> {
            if (!name.equals("cookie")) {
                headers.put(name, String.join(",", values));
            }
        });
        event.put("headers", headers);
        if (!request.query().isEmpty()) {
            Map<String, String> query = new LinkedHashMap<>();
            request.query().forEach((name, values) -> query.put(name, String.join(",", values)));
            event.put("queryStringParameters", query);
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", caller.map(IamCaller::accountId).orElse("anonymous"));
        context.put("apiId", url.urlId());
        caller.ifPresent(iam -> {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("accessKey", iam.accessKey());
            identity.put("accountId", iam.accountId());
            identity.put("callerId", iam.accessKey());
            identity.put("cognitoIdentity", null);
            identity.put("principalOrgId", null);
            identity.put("userArn", "arn:aws:iam::" + iam.accountId() + ":root");
            identity.put("userId", iam.accountId());
            context.put("authorizer", Map.of("iam", identity));
        });
        context.put("domainName", domainName);
        context.put("domainPrefix", url.urlId());
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method());
        http.put("path", rawPath);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", request.header("user-agent").orElse(""));
        context.put("http", http);
        context.put("requestId", request.requestId());
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("time", TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        event.put("requestContext", context);
        boolean text = isText(request.header("content-type"));
        if (request.body().length > 0) {
            event.put("body", text ? new String(request.body(), StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(request.body()));
        }
        event.put("isBase64Encoded", request.body().length > 0 && !text);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event of plain maps could not be written as JSON", e);
        }
    }

    /** The request's cookies: each {@code name=value} of its {@code Cookie} headers. */
    private static List<String> cookies(ApiRequest request) {
        List<String> cookies = new ArrayList<>();
        for (String header : request.headers().getOrDefault("cookie", List.of())) {
            for (String cookie : header.split(";")) {
                if (!cookie.isBlank()) {
                    cookies.add(cookie.strip());
                }
            }
        }
        return cookies;
    }

    /** Whether a body of this content type reaches the function as text rather than base64. */
    static boolean isText(Optional<String> contentType) {
        if (contentType.isEmpty()) {
            return false;
        }
        String type = contentType.get().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.endsWith("/json") || type.endsWith("+json") || type.endsWith("/xml")
                || type.endsWith("+xml") || type.endsWith("/javascript");
    }
}
