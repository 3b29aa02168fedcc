package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.AddPermissionInput;
import dev.hearth.controlplane.api.Cors;
import dev.hearth.controlplane.api.FunctionUrlConfigInput;
import dev.hearth.controlplane.api.FunctionUrlConfigOutput;
import dev.hearth.controlplane.api.ListFunctionUrlConfigsOutput;
import dev.hearth.controlplane.policy.PolicyRequest;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Function URL configurations keep Lambda's shapes, answers and rules (one per function or alias, no
 * version qualifier, a URL id that never changes), the URL index follows them, and a URL invocation is
 * authorized by Lambda's rule of October 2025.
 */
final class TestFunctionUrls {
    private static final AccountContext OWNER = new AccountContext("eu-west-1", "111111111111");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");

    private SqliteFunctionStore store;
    private FunctionUrls urls;
    private FunctionPolicies policies;

    @BeforeEach
    void setUp() throws Exception {
        store = SqliteFunctionStore.open(Files.createTempDirectory("urls").resolve("functions.db"));
        urls = new FunctionUrls(store, OWNER, Clock.fixed(T0, ZoneOffset.UTC),
                (id, region) -> "http://" + id + ".lambda-url." + region + ".localhost:9401/");
        policies = new FunctionPolicies(store, OWNER);
        FunctionConfiguration configuration = new FunctionConfiguration("python3.12", "app.handler",
                "arn:aws:iam::111111111111:role/r", "", 128, 3, 512, Map.of(), List.of("x86_64"), "None", "PassThrough");
        store.transact(tx -> {
            tx.insertFunction(new FunctionRecord("f", T0, 1, Map.of()),
                    new FunctionVersion("f", FunctionVersion.LATEST, configuration, new CodeRef("sha", 1), T0, "rev-latest"));
            tx.putVersion(new FunctionVersion("f", "1", configuration, new CodeRef("sha", 1), T0, "rev-1"));
            tx.putAlias(new Alias("f", "live", "1", "", Map.of(), "rev-live"));
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aUrlIsCreatedWithLambdasShapeAndKeepsItsIdThroughUpdates() {
        FunctionUrlConfigOutput created = urls.create(ref(), new FunctionUrlConfigInput("NONE", null, null));
        assertThat(created.functionUrl()).matches("http://[a-z0-9]{32}\\.lambda-url\\.eu-west-1\\.localhost:9401/");
        assertThat(created.functionArn()).isEqualTo(OWNER.functionArn("f"));
        assertThat(created.invokeMode()).isEqualTo("BUFFERED");
        assertThat(created.creationTime()).isEqualTo("2026-01-01T00:00:00.123456Z");
        assertThat(created.lastModifiedTime()).as("CreateFunctionUrlConfig answers none").isNull();

        Cors cors = new Cors(true, List.of("x-a"), List.of("GET"), List.of("https://a.example"), null, 10);
        FunctionUrlConfigOutput updated = urls.update(ref(), new FunctionUrlConfigInput("AWS_IAM", cors, "RESPONSE_STREAM"));
        assertThat(updated.functionUrl()).isEqualTo(created.functionUrl());
        assertThat(updated.cors()).isEqualTo(cors);
        assertThat(urls.update(ref(), new FunctionUrlConfigInput(null, null, null)))
                .as("members not given are kept").isEqualTo(updated);

        String id = created.functionUrl().substring("http://".length(), "http://".length() + 32);
        FunctionUrl served = urls.byUrlId(id).orElseThrow();
        assertThat(served.authType()).isEqualTo("AWS_IAM");
        assertThat(served.invokeMode()).isEqualTo("RESPONSE_STREAM");
        assertThat(served.ref()).isEqualTo(ref());
        assertThat(new FunctionUrls(store, OWNER, Clock.systemUTC(), (i, r) -> i).byUrlId(id))
                .as("the index is rebuilt from the store").contains(served);

        urls.delete(ref());
        assertThat(urls.byUrlId(id)).isEmpty();
        assertThatThrownBy(() -> urls.get(ref())).satisfies(e -> assertError(e, LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist."));
    }

    @Test
    void lambdasErrorsForTakenMissingAndVersionQualifiers() {
        urls.create(ref(), new FunctionUrlConfigInput("NONE", null, null));
        assertThatThrownBy(() -> urls.create(ref(), new FunctionUrlConfigInput("NONE", null, null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ResourceConflictException, "Failed to create function url config for "
                        + "[functionArn = " + OWNER.functionArn("f") + "]. Error message:  FunctionUrlConfig exists for this Lambda function"));
        assertThatThrownBy(() -> urls.create(ref().qualified("1"), new FunctionUrlConfigInput("NONE", null, null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ValidationException, "1 validation error detected: Value '1' at "
                        + "'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + "(^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))"));
        assertThatThrownBy(() -> urls.create(ref().qualified("gone"), new FunctionUrlConfigInput("NONE", null, null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ResourceNotFoundException, "Function does not exist"));
        assertThatThrownBy(() -> urls.create(FunctionRef.of(OWNER, "g"), new FunctionUrlConfigInput("NONE", null, null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ResourceNotFoundException, "Function does not exist"));
        assertThatThrownBy(() -> urls.create(ref().qualified("live"), new FunctionUrlConfigInput(null, null, "CHUNKED")))
                .satisfies(e -> assertError(e, LambdaErrorType.ValidationException, "2 validation errors detected: "
                        + "Value null at 'authType' failed to satisfy constraint: Member must not be null; "
                        + "Value 'CHUNKED' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[BUFFERED, RESPONSE_STREAM]"));
        assertThatThrownBy(() -> urls.update(ref(), new FunctionUrlConfigInput(null,
                new Cors(null, null, null, null, null, 86_401), null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ValidationException, "1 validation error detected: Value '86401' at "
                        + "'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400"));
        assertThatThrownBy(() -> urls.update(ref().qualified("live"), new FunctionUrlConfigInput("NONE", null, null)))
                .satisfies(e -> assertError(e, LambdaErrorType.ResourceNotFoundException, "The resource you requested does not exist."));
    }

    @Test
    void aliasUrlsAreListedInPagesAndGoWithTheirAlias() {
        urls.create(ref(), new FunctionUrlConfigInput("NONE", null, null));
        FunctionUrlConfigOutput live = urls.create(ref().qualified("live"), new FunctionUrlConfigInput("AWS_IAM", null, null));
        assertThat(live.functionArn()).isEqualTo(OWNER.functionArn("f", "live"));
        ListFunctionUrlConfigsOutput first = urls.list(ref(), Optional.empty(), Optional.of(1));
        assertThat(first.functionUrlConfigs()).extracting(FunctionUrlConfigOutput::functionArn).containsExactly(OWNER.functionArn("f"));
        ListFunctionUrlConfigsOutput second = urls.list(ref(), Optional.of(first.nextMarker()), Optional.of(1));
        assertThat(second.functionUrlConfigs()).containsExactly(urls.get(ref().qualified("live")));
        assertThat(second.nextMarker()).isNull();

        String id = live.functionUrl().substring("http://".length(), "http://".length() + 32);
        store.transact(tx -> {
            tx.deleteAlias("f", "live");
            return null;
        });
        urls.functionChanged("f", false);
        assertThat(urls.byUrlId(id)).isEmpty();
        assertThat(urls.list(ref(), Optional.empty(), Optional.empty()).functionUrlConfigs()).hasSize(1);
    }

    @Test
    void aUrlInvocationNeedsBothActionsUnderTheUrlsConditionsAndAnonymousCallersOnlyAStar() {
        FunctionUrlConfigOutput created = urls.create(ref(), new FunctionUrlConfigInput("NONE", null, null));
        FunctionUrl url = urls.byUrlId(created.functionUrl().substring(7, 39)).orElseThrow();
        assertThat(policies.allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)).isFalse();
        policies.addPermission(ref(), grant("url", "*", "lambda:InvokeFunctionUrl", "NONE", false));
        assertThat(policies.allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)).as("lambda:InvokeFunction is missing").isFalse();
        policies.addPermission(ref(), grant("invoke", "*", "lambda:InvokeFunction", null, true));
        assertThat(policies.allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)).isTrue();
        assertThat(policies.allowsUrlInvocation("222222222222", url)).as("\"*\" admits any account too").isTrue();
        assertThatThrownBy(() -> policies.authorize("222222222222", "lambda:InvokeFunction", ref()))
                .as("a statement conditioned on a URL invocation allows no API call")
                .isInstanceOf(LambdaException.class);

        policies.removePermission(ref(), "url", Optional.empty());
        policies.addPermission(ref(), grant("url-iam", "*", "lambda:InvokeFunctionUrl", "AWS_IAM", false));
        assertThat(policies.allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)).as("the auth type condition differs").isFalse();
        policies.addPermission(ref(), grant("account", "333333333333", "lambda:InvokeFunctionUrl", null, false));
        assertThat(policies.allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)).as("an account grants nobody anonymous").isFalse();
        assertThat(policies.allowsUrlInvocation("333333333333", url)).isTrue();
    }

    private static FunctionRef ref() {
        return FunctionRef.of(OWNER, "f");
    }

    private static AddPermissionInput grant(String sid, String principal, String action, String urlAuthType, boolean viaUrl) {
        return new AddPermissionInput(sid, action, principal, null, null, null, null, null, urlAuthType, viaUrl ? Boolean.TRUE : null);
    }

    private static void assertError(Throwable e, LambdaErrorType type, String message) {
        assertThat(e).isInstanceOf(LambdaException.class).hasMessage(message);
        assertThat(((LambdaException) e).type()).isEqualTo(type);
    }
}
