package dev.hearth.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Policy documents render as Lambda's GetPolicy and AddPermission answers render them, read back
 * unchanged, and allow exactly the callers, actions and conditions their statements name.
 */
final class TestPolicyDocument {
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:111111111111:function:f";
    private static final String CALLER = "222222222222";

    @Test
    void principalsAreReadAsLambdaReadsThem() {
        assertThat(PolicyPrincipal.parse("222222222222").json()).isEqualTo(java.util.Map.of("AWS", "arn:aws:iam::222222222222:root"));
        assertThat(PolicyPrincipal.parse("arn:aws:iam::222222222222:role/r").json())
                .isEqualTo(java.util.Map.of("AWS", "arn:aws:iam::222222222222:role/r"));
        assertThat(PolicyPrincipal.parse("s3.amazonaws.com").json()).isEqualTo(java.util.Map.of("Service", "s3.amazonaws.com"));
        assertThat(PolicyPrincipal.parse("*").json()).isEqualTo("*");
        for (String invalid : new String[] {"someone", "1234", "arn:aws:s3:::bucket"}) {
            assertThatThrownBy(() -> PolicyPrincipal.parse(invalid)).isInstanceOfSatisfying(LambdaException.class, e -> {
                assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                assertThat(e).hasMessage("The provided principal was invalid. Please check the principal and try again.");
            });
        }
    }

    @Test
    void documentsRenderInLambdasOrderAndReadBackEqual() {
        PolicyStatement everything = new PolicyStatement("url", new PolicyPrincipal.Anyone(), "lambda:InvokeFunctionUrl", FUNCTION,
                new PolicyConditions(Optional.of("arn:aws:s3:::bucket"), Optional.of("111111111111"), Optional.of("o-1234567890"),
                        Optional.empty(), Optional.of("NONE"), true));
        PolicyStatement plain = new PolicyStatement("acct", PolicyPrincipal.parse(CALLER), "lambda:InvokeFunction", FUNCTION,
                PolicyConditions.NONE);
        PolicyDocument document = PolicyDocument.EMPTY.with(everything).with(plain);

        assertThat(document.json()).isEqualTo("{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":["
                + "{\"Sid\":\"url\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunctionUrl\","
                + "\"Resource\":\"" + FUNCTION + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"111111111111\","
                + "\"lambda:FunctionUrlAuthType\":\"NONE\",\"aws:PrincipalOrgID\":\"o-1234567890\"},"
                + "\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::bucket\"},\"Bool\":{\"lambda:InvokedViaFunctionUrl\":\"true\"}}},"
                + "{\"Sid\":\"acct\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},"
                + "\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + FUNCTION + "\"}]}");
        assertThat(PolicyDocument.parse(document.json())).isEqualTo(document);
        assertThat(PolicyDocument.json(plain)).isEqualTo("{\"Sid\":\"acct\",\"Effect\":\"Allow\",\"Principal\":"
                + "{\"AWS\":\"arn:aws:iam::222222222222:root\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + FUNCTION + "\"}");
        assertThat(document.without("url").statements()).containsExactly(plain);
        assertThat(document.without("absent")).isEqualTo(document);
    }

    @Test
    void aSidIsUsedOnceAndADocumentStaysWithinTwentyKilobytes() {
        PolicyDocument one = PolicyDocument.EMPTY.with(statement("a", "lambda:InvokeFunction", PolicyConditions.NONE));
        assertThatThrownBy(() -> one.with(statement("a", "lambda:GetFunction", PolicyConditions.NONE)))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceConflictException);
                    assertThat(e).hasMessage("The statement id (a) provided already exists. Please provide a new statement id, "
                            + "or remove the existing statement.");
                });
        PolicyConditions longArn = new PolicyConditions(Optional.of("arn:aws:s3:::" + "b".repeat(900)), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false);
        PolicyDocument growing = PolicyDocument.EMPTY;
        int added = 0;
        try {
            while (true) {
                growing = growing.with(statement("s" + added, "lambda:InvokeFunction", longArn));
                added++;
            }
        } catch (LambdaException e) {
            assertThat(e.type()).isEqualTo(LambdaErrorType.PolicyLengthExceededException);
            assertThat(e.getMessage()).matches("The final policy size \\(\\d+\\) is bigger than the limit \\(20480\\)\\.");
        }
        assertThat(growing.json().length()).isLessThanOrEqualTo(PolicyDocument.MAX_BYTES);
        assertThat(added).isBetween(15, 25);
    }

    @Test
    void aStatementAllowsOnlyItsAccountItsActionAndWhereItsConditionsHold() {
        PolicyRequest invoke = PolicyRequest.direct(CALLER, "lambda:InvokeFunction");
        assertThat(statement("s", "lambda:InvokeFunction", PolicyConditions.NONE).allows(invoke)).isTrue();
        assertThat(statement("s", "lambda:invokefunction", PolicyConditions.NONE).allows(invoke)).as("actions ignore case").isTrue();
        assertThat(statement("s", "lambda:*", PolicyConditions.NONE).allows(invoke)).isTrue();
        assertThat(statement("s", "*", PolicyConditions.NONE).allows(invoke)).isTrue();
        assertThat(statement("s", "lambda:GetFunction", PolicyConditions.NONE).allows(invoke)).isFalse();
        assertThat(statement("s", "lambda:InvokeFunction", PolicyConditions.NONE)
                .allows(PolicyRequest.direct("333333333333", "lambda:InvokeFunction"))).as("another account").isFalse();

        PolicyPrincipal anyone = new PolicyPrincipal.Anyone();
        assertThat(new PolicyStatement("s", anyone, "lambda:InvokeFunction", FUNCTION, PolicyConditions.NONE).allows(invoke)).isTrue();
        assertThat(new PolicyStatement("s", new PolicyPrincipal.Service("s3.amazonaws.com"), "lambda:InvokeFunction", FUNCTION,
                PolicyConditions.NONE).allows(invoke)).as("no service calls into Hearth").isFalse();
        assertThat(new PolicyStatement("s", new PolicyPrincipal.Aws("arn:aws:iam::" + CALLER + ":role/r"), "lambda:InvokeFunction",
                FUNCTION, PolicyConditions.NONE).allows(invoke)).as("a role is not the account's root").isFalse();

        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.empty(), Optional.of(CALLER), Optional.empty()))
                .allows(invoke)).as("SourceAccount the caller's").isTrue();
        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.empty(), Optional.of("444444444444"), Optional.empty()))
                .allows(invoke)).as("SourceAccount another").isFalse();
        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.of("arn:aws:s3:::*"), Optional.empty(), Optional.empty()))
                .allows(invoke)).as("a direct call has no source ARN").isFalse();
        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.empty(), Optional.empty(), Optional.of("o-1234567890")))
                .allows(invoke)).as("Hearth has no organizations").isFalse();
        PolicyRequest fromBucket = new PolicyRequest(CALLER, "lambda:InvokeFunction", Optional.of(CALLER),
                Optional.of("arn:aws:s3:::my-bucket"), Optional.empty(), Optional.empty(), Optional.empty(), false);
        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.of("arn:aws:s3:::my-*"), Optional.empty(), Optional.empty()))
                .allows(fromBucket)).as("ArnLike with a wildcard").isTrue();
        assertThat(statement("s", "lambda:InvokeFunction", conditions(Optional.of("arn:aws:s3:::other?"), Optional.empty(), Optional.empty()))
                .allows(fromBucket)).isFalse();
        assertThat(PolicyDocument.EMPTY.allows(invoke)).isFalse();
    }

    private static PolicyStatement statement(String sid, String action, PolicyConditions conditions) {
        return new PolicyStatement(sid, PolicyPrincipal.parse(CALLER), action, FUNCTION, conditions);
    }

    private static PolicyConditions conditions(Optional<String> sourceArn, Optional<String> sourceAccount, Optional<String> orgId) {
        return new PolicyConditions(sourceArn, sourceAccount, orgId, Optional.empty(), Optional.empty(), false);
    }
}
