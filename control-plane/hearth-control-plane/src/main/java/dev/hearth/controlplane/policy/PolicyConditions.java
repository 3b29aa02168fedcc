package dev.hearth.controlplane.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code Condition} block of a statement, from AddPermission's members, in the order and with the
 * keys Lambda renders them: {@code StringEquals} ({@code AWS:SourceAccount},
 * {@code lambda:FunctionUrlAuthType}, {@code aws:PrincipalOrgID}, {@code lambda:EventSourceToken}),
 * then {@code ArnLike} ({@code AWS:SourceArn}), then {@code Bool} ({@code lambda:InvokedViaFunctionUrl}).
 *
 * <p>Evaluation ({@link #holdFor}): every condition present must hold for the request, as IAM
 * evaluates a condition key the request does not carry as false.
 */
public record PolicyConditions(Optional<String> sourceArn, Optional<String> sourceAccount, Optional<String> principalOrgId,
        Optional<String> eventSourceToken, Optional<String> functionUrlAuthType, boolean invokedViaFunctionUrl) {
    public static final PolicyConditions NONE = new PolicyConditions(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), false);

    private static final String STRING_EQUALS = "StringEquals";
    private static final String ARN_LIKE = "ArnLike";
    private static final String BOOL = "Bool";
    private static final String SOURCE_ACCOUNT = "AWS:SourceAccount";
    private static final String URL_AUTH_TYPE = "lambda:FunctionUrlAuthType";
    private static final String ORG_ID = "aws:PrincipalOrgID";
    private static final String EVENT_SOURCE_TOKEN = "lambda:EventSourceToken";
    private static final String SOURCE_ARN = "AWS:SourceArn";
    private static final String VIA_URL = "lambda:InvokedViaFunctionUrl";

    public PolicyConditions {
        Objects.requireNonNull(sourceArn, "sourceArn");
        Objects.requireNonNull(sourceAccount, "sourceAccount");
        Objects.requireNonNull(principalOrgId, "principalOrgId");
        Objects.requireNonNull(eventSourceToken, "eventSourceToken");
        Objects.requireNonNull(functionUrlAuthType, "functionUrlAuthType");
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** Whether every condition holds for {@code request}. */
    public boolean holdFor(PolicyRequest request) {
        return matches(sourceAccount, request.sourceAccount())
                && matches(functionUrlAuthType, request.functionUrlAuthType())
                && matches(principalOrgId, request.principalOrgId())
                && matches(eventSourceToken, request.eventSourceToken())
                && sourceArn.map(pattern -> request.sourceArn().filter(arn -> arnLike(pattern, arn)).isPresent()).orElse(true)
                && (!invokedViaFunctionUrl || request.invokedViaFunctionUrl());
    }

    private static boolean matches(Optional<String> required, Optional<String> actual) {
        return required.isEmpty() || required.equals(actual);
    }

    /** IAM's {@code ArnLike}: {@code *} any run of characters, {@code ?} any one, case-sensitive. */
    static boolean arnLike(String pattern, String arn) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(arn).matches();
    }

    /** The {@code Condition} value in Lambda's JSON (empty when there is no condition). */
    public Map<String, Map<String, String>> json() {
        Map<String, Map<String, String>> condition = new LinkedHashMap<>();
        Map<String, String> equals = new LinkedHashMap<>();
        sourceAccount.ifPresent(v -> equals.put(SOURCE_ACCOUNT, v));
        functionUrlAuthType.ifPresent(v -> equals.put(URL_AUTH_TYPE, v));
        principalOrgId.ifPresent(v -> equals.put(ORG_ID, v));
        eventSourceToken.ifPresent(v -> equals.put(EVENT_SOURCE_TOKEN, v));
        if (!equals.isEmpty()) {
            condition.put(STRING_EQUALS, equals);
        }
        sourceArn.ifPresent(v -> condition.put(ARN_LIKE, Map.of(SOURCE_ARN, v)));
        if (invokedViaFunctionUrl) {
            condition.put(BOOL, Map.of(VIA_URL, "true"));
        }
        return condition;
    }

    /** The conditions a rendered {@code Condition} value holds (null or absent: none). */
    static PolicyConditions fromJson(Map<String, Map<String, String>> json) {
        if (json == null) {
            return NONE;
        }
        Map<String, String> equals = json.getOrDefault(STRING_EQUALS, Map.of());
        Map<String, String> arnLike = json.getOrDefault(ARN_LIKE, Map.of());
        Map<String, String> bool = json.getOrDefault(BOOL, Map.of());
        return new PolicyConditions(Optional.ofNullable(arnLike.get(SOURCE_ARN)), Optional.ofNullable(equals.get(SOURCE_ACCOUNT)),
                Optional.ofNullable(equals.get(ORG_ID)), Optional.ofNullable(equals.get(EVENT_SOURCE_TOKEN)),
                Optional.ofNullable(equals.get(URL_AUTH_TYPE)), "true".equals(bool.get(VIA_URL)));
    }
}
