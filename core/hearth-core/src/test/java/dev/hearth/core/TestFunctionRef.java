package dev.hearth.core;

import static dev.hearth.core.FunctionNameMember.CREATE_FUNCTION_NAME;
import static dev.hearth.core.FunctionNameMember.FUNCTION_NAME;
import static dev.hearth.core.FunctionNameMember.NAMESPACED_FUNCTION_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Parsing as Lambda answers it; the expected messages are Lambda's, as LocalStack's snapshot tests
 * recorded them from Lambda in November 2025 (test_function_name_and_qualifier_validation,
 * test_function_arns, test_invalid_invoke).
 */
final class TestFunctionRef {
    private static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    private static final String PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
            + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
    private static final String NAMESPACED_PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-"
            + "\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

    @Test
    void namesAndArnsParse() {
        assertThat(FunctionRef.parse("f", ACCOUNT, FUNCTION_NAME)).isEqualTo(FunctionRef.of(ACCOUNT, "f"));
        assertThat(FunctionRef.parse("f:live", ACCOUNT, FUNCTION_NAME)).isEqualTo(FunctionRef.of(ACCOUNT, "f").qualified("live"));
        assertThat(FunctionRef.parse("000000000000:function:f:1", ACCOUNT, FUNCTION_NAME))
                .isEqualTo(FunctionRef.of(ACCOUNT, "f").qualified("1"));
        assertThat(FunctionRef.parse("arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", ACCOUNT, NAMESPACED_FUNCTION_NAME))
                .isEqualTo(FunctionRef.of(ACCOUNT, "f").qualified("$LATEST"));
        assertThat(FunctionRef.parse("f", Optional.of("2"), ACCOUNT, NAMESPACED_FUNCTION_NAME))
                .isEqualTo(FunctionRef.of(ACCOUNT, "f").qualified("2"));
        assertThat(FunctionRef.parse("f:2", Optional.of("2"), ACCOUNT, NAMESPACED_FUNCTION_NAME))
                .isEqualTo(FunctionRef.of(ACCOUNT, "f").qualified("2"));
    }

    @Test
    void aNameOrArnOutsideTheModelsPatternIsAValidationException() {
        assertValidation(() -> FunctionRef.parse("my-function!", ACCOUNT, NAMESPACED_FUNCTION_NAME),
                "1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy constraint: Member must satisfy"
                        + " regular expression pattern: " + NAMESPACED_PATTERN);
        assertValidation(() -> FunctionRef.parse("invalid:function:name", ACCOUNT, CREATE_FUNCTION_NAME),
                "1 validation error detected: Value 'invalid:function:name' at 'functionName' failed to satisfy constraint: Member"
                        + " must satisfy regular expression pattern: " + PATTERN);
        for (String text : new String[] {"*", "invalid-account:function:my-function", "arn:aws:lambda::000000000000:function:f",
                "arn:aws:lambda:us-east-1::function:f", "arn:aws:lambda:us-east-1:000000000000:function:f:1:2",
                "arn:aws:lambda:us-east-1:000000000000:function:f:$LATES", "arn:aws:ec2:us-east-1:000000000000:instance:i-1",
                "arn:aws:lambda:invalid-region:000000000000:function:f"}) {
            assertValidation(() -> FunctionRef.parse(text, ACCOUNT, NAMESPACED_FUNCTION_NAME), "1 validation error detected: Value '"
                    + text + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + NAMESPACED_PATTERN);
        }
        // dots only where the member is the NamespacedFunctionName shape
        assertValidation(() -> FunctionRef.parse("my.function", ACCOUNT, FUNCTION_NAME), "1 validation error detected: Value"
                + " 'my.function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + PATTERN);
        assertThat(FunctionRef.parse("my.function", ACCOUNT, NAMESPACED_FUNCTION_NAME).name()).isEqualTo("my.function");
    }

    @Test
    void eachMemberHasItsMaximumLength() {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:" + "a".repeat(94);
        assertThat(arn).hasSize(141);
        assertValidation(() -> FunctionRef.parse(arn, ACCOUNT, CREATE_FUNCTION_NAME), "1 validation error detected: Value '" + arn
                + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140");
        assertValidation(() -> FunctionRef.parse(arn, ACCOUNT, FUNCTION_NAME), "1 validation error detected: Value '" + arn
                + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140");
        assertThat(FunctionRef.parse(arn, ACCOUNT, NAMESPACED_FUNCTION_NAME).name()).hasSize(94);
        String longer = "a".repeat(257);
        assertValidation(() -> FunctionRef.parse(longer, ACCOUNT, NAMESPACED_FUNCTION_NAME), "1 validation error detected: Value '"
                + longer + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 256");
    }

    @Test
    void lengthAndPatternBrokenAreTwoErrorsLengthFirst() {
        String text = "arn:aws:lambda:invalid-region:000000000000:function:my-function" + "a".repeat(170);
        assertValidation(() -> FunctionRef.parse(text, ACCOUNT, CREATE_FUNCTION_NAME), "2 validation errors detected: Value '" + text
                + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140; Value '" + text
                + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + PATTERN);
    }

    @Test
    void createFunctionRefusesANameOverSixtyFourCharactersAsAnInvalidParameter() {
        String name = "a".repeat(65);
        assertThatThrownBy(() -> FunctionRef.parse(name, ACCOUNT, CREATE_FUNCTION_NAME))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                    assertThat(e).hasMessage("1 validation error detected: Value '" + name + "' at 'functionName' failed to satisfy"
                            + " constraint: Member must have length less than or equal to 64");
                });
        assertThat(FunctionRef.parse("a".repeat(64), ACCOUNT, CREATE_FUNCTION_NAME).name()).hasSize(64);
        // elsewhere such a name is only not found, as Lambda answers GetFunction, DeleteFunction and Invoke
        assertThat(FunctionRef.parse(name, ACCOUNT, NAMESPACED_FUNCTION_NAME).name()).isEqualTo(name);
        assertThat(FunctionRef.parse(name, ACCOUNT, FUNCTION_NAME).name()).isEqualTo(name);
    }

    @Test
    void anIncompleteArnIsAFunctionNamedFunction() {
        assertThat(FunctionRef.parse("arn:aws:lambda:us-east-1:000000000000:function", ACCOUNT, NAMESPACED_FUNCTION_NAME))
                .isEqualTo(FunctionRef.of(ACCOUNT, "function"));
    }

    @Test
    void theQualifierMemberIsCheckedBeforeTheName() {
        assertValidation(() -> FunctionRef.parse("my-function", Optional.of("invalid!"), ACCOUNT, NAMESPACED_FUNCTION_NAME),
                "1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy constraint: Member must satisfy"
                        + " regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+");
        String qualifier = "a".repeat(129);
        String text = "arn:aws:lambda:invalid-region:000000000000:function:my-function-" + "a".repeat(170);
        assertValidation(() -> FunctionRef.parse(text, Optional.of(qualifier), ACCOUNT, NAMESPACED_FUNCTION_NAME),
                "2 validation errors detected: Value '" + qualifier + "' at 'qualifier' failed to satisfy constraint: Member must have"
                        + " length less than or equal to 128; Value '" + text + "' at 'functionName' failed to satisfy constraint:"
                        + " Member must satisfy regular expression pattern: " + NAMESPACED_PATTERN);
        // the provisioned-concurrency operations' Qualifier shape
        assertValidation(() -> FunctionRef.parse("f", Optional.of("a!"), ACCOUNT, FUNCTION_NAME),
                "1 validation error detected: Value 'a!' at 'qualifier' failed to satisfy constraint: Member must satisfy regular"
                        + " expression pattern: (|[a-zA-Z0-9$_-]+)");
        assertValidation(() -> FunctionRef.parse("f", Optional.of(""), ACCOUNT, FUNCTION_NAME),
                "1 validation error detected: Value '' at 'qualifier' failed to satisfy constraint: Member must have length greater"
                        + " than or equal to 1");
        // within the pattern, a qualifier that names nothing is left to the lookup
        assertThat(FunctionRef.parse("f", Optional.of("$latest"), ACCOUNT, NAMESPACED_FUNCTION_NAME).qualifier()).contains("$latest");
    }

    @Test
    void qualifiersThatDisagreeAreAnInvalidParameter() {
        assertThatThrownBy(() -> FunctionRef.parse("arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", Optional.of("1"),
                ACCOUNT, NAMESPACED_FUNCTION_NAME)).isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                    assertThat(e).hasMessage("The derived qualifier from the function name does not match the specified qualifier.");
                });
    }

    @Test
    void anArnOfAnotherRegionIsNotFoundAndOfAnotherAccountDenied() {
        assertThatThrownBy(() -> FunctionRef.parse("arn:aws:lambda:ap-southeast-1:000000000000:function:f", ACCOUNT, CREATE_FUNCTION_NAME))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
                    assertThat(e).hasMessage("Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')");
                });
        assertThatThrownBy(() -> FunctionRef.parse("123456789012:function:f", ACCOUNT, FUNCTION_NAME))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));
    }

    @Test
    void theOwnerOfAReferenceIsTheAccountAndRegionItNamesElseTheCallers() {
        AccountContext other = new AccountContext("us-east-1", "222222222222");
        assertThat(FunctionRef.ownerOf("f", ACCOUNT)).isEqualTo(ACCOUNT);
        assertThat(FunctionRef.ownerOf("f:live", ACCOUNT)).isEqualTo(ACCOUNT);
        assertThat(FunctionRef.ownerOf("222222222222:function:f", ACCOUNT)).isEqualTo(other);
        assertThat(FunctionRef.ownerOf("arn:aws:lambda:us-east-1:222222222222:function:f:1", ACCOUNT)).isEqualTo(other);
        assertThat(FunctionRef.ownerOf("arn:aws:lambda:eu-west-1:222222222222:function:f", ACCOUNT))
                .isEqualTo(new AccountContext("eu-west-1", "222222222222"));
        assertThat(FunctionRef.ownerOf("arn:aws-cn:lambda:us-east-1:222222222222:function:f", ACCOUNT))
                .as("another partition: the caller's cell answers").isEqualTo(ACCOUNT);
        assertThat(FunctionRef.ownerOf("not a reference", ACCOUNT)).isEqualTo(ACCOUNT);
    }

    @Test
    void anArnOfAnotherPartitionIsNotFound() {
        for (String arn : java.util.List.of("arn:aws-cn:lambda:us-east-1:000000000000:function:f",
                "arn:aws-us-gov:lambda:us-east-1:000000000000:function:f:1")) {
            assertThatThrownBy(() -> FunctionRef.parse(arn, ACCOUNT, FUNCTION_NAME))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
                        assertThat(e).hasMessage("Function not found: " + arn);
                    });
        }
        assertThat(FunctionRef.parse("arn:aws:lambda:us-east-1:000000000000:function:f", ACCOUNT, FUNCTION_NAME).name())
                .isEqualTo("f");
    }

    private static void assertValidation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e).hasMessage(message);
        });
    }
}
