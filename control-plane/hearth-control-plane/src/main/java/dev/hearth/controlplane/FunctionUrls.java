package dev.hearth.controlplane;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.controlplane.api.Cors;
import dev.hearth.controlplane.api.FunctionUrlConfigInput;
import dev.hearth.controlplane.api.FunctionUrlConfigOutput;
import dev.hearth.controlplane.api.ListFunctionUrlConfigsOutput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionUrlConfig;
import dev.hearth.store.spi.FunctionVersion;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The function URLs of one account's functions (Create/Get/Update/Delete/ListFunctionUrlConfigs) and
 * the index the URL listener serves them from ({@link #byUrlId}).
 *
 * <p>A URL belongs to the unqualified function ({@code $LATEST}) or to an alias, never to a version
 * number (Lambda's {@code Qualifier} pattern refuses one). Its id (32 lower-case letters and digits) is
 * drawn once, at creation, and kept until the URL is deleted; the URL goes with its function or alias.
 *
 * <p>Index: every URL of the store by id, loaded when the account's cell opens, updated by each
 * operation and, for deletions of functions and aliases, by {@link #functionChanged} (register this as
 * the {@link FunctionService}'s listener). Threading: thread-safe; each operation is one store
 * transaction, {@link #byUrlId} reads memory only.
 */
public final class FunctionUrls implements FunctionChangeListener {
    /** Lambda's {@code Qualifier} pattern for function URLs, as Lambda quotes it. */
    private static final String QUALIFIER_PATTERN = "(^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))";
    private static final Pattern QUALIFIER = Pattern.compile(QUALIFIER_PATTERN);
    private static final List<String> AUTH_TYPES = List.of(FunctionUrl.AUTH_NONE, FunctionUrl.AUTH_IAM);
    private static final List<String> INVOKE_MODES = List.of(FunctionUrl.BUFFERED, FunctionUrl.RESPONSE_STREAM);
    private static final int MAX_ITEMS = 50;
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** Lambda's format for a URL's CreationTime and LastModifiedTime: {@code 2026-12-07T19:30:16.123456Z}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private final FunctionStore store;
    private final AccountContext account;
    private final Clock clock;
    private final FunctionUrlAddresses addresses;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, FunctionUrl> byId = new ConcurrentHashMap<>();

    public FunctionUrls(FunctionStore store, AccountContext account, Clock clock, FunctionUrlAddresses addresses) {
        this.store = Objects.requireNonNull(store, "store");
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        store.transact(tx -> tx.allFunctionUrlConfigs()).forEach(this::index);
    }

    /**
     * CreateFunctionUrlConfig.
     *
     * @throws LambdaException ValidationException for members outside their constraints (a version
     *     number as qualifier among them); ResourceNotFoundException "Function does not exist" for a
     *     missing function or alias; ResourceConflictException when the function or alias has a URL
     */
    public FunctionUrlConfigOutput create(FunctionRef ref, FunctionUrlConfigInput in) {
        String qualifier = qualifierOf(ref);
        ConstraintViolations violations = new ConstraintViolations();
        if (in.authType() == null) {
            violations.missing("authType");
        }
        validate(in, violations);
        Instant now = now();
        FunctionUrlConfig created = store.transact(tx -> {
            if (tx.function(ref.name()).isEmpty()) {
                throw LambdaException.notFound("Function does not exist");
            }
            if (tx.functionUrlConfig(ref.name(), qualifier).isPresent()) {
                throw LambdaException.conflict("Failed to create function url config for [functionArn = " + arnOf(ref.name(), qualifier)
                        + "]. Error message:  FunctionUrlConfig exists for this Lambda function");
            }
            if (!qualifier.equals(FunctionVersion.LATEST) && tx.alias(ref.name(), qualifier).isEmpty()) {
                throw LambdaException.notFound("Function does not exist");
            }
            FunctionUrlConfig config = new FunctionUrlConfig(ref.name(), qualifier, newUrlId(), in.authType(),
                    corsJson(in.cors()), Optional.ofNullable(in.invokeMode()).orElse(FunctionUrl.BUFFERED), now, now);
            tx.putFunctionUrlConfig(config);
            return config;
        });
        index(created);
        FunctionUrlConfigOutput out = output(created);
        return new FunctionUrlConfigOutput(out.functionUrl(), out.functionArn(), out.authType(), out.cors(), out.creationTime(),
                null, out.invokeMode());
    }

    /**
     * GetFunctionUrlConfig.
     *
     * @throws LambdaException ResourceNotFoundException "The resource you requested does not exist."
     */
    public FunctionUrlConfigOutput get(FunctionRef ref) {
        String qualifier = qualifierOf(ref);
        return output(store.transact(tx -> tx.functionUrlConfig(ref.name(), qualifier)).orElseThrow(FunctionUrls::noUrl));
    }

    /**
     * UpdateFunctionUrlConfig: replaces the members given ({@code Cors} as a whole), keeps the others.
     *
     * @throws LambdaException ValidationException; ResourceNotFoundException "Function does not exist"
     *     (function or alias), "The resource you requested does not exist." (no URL)
     */
    public FunctionUrlConfigOutput update(FunctionRef ref, FunctionUrlConfigInput in) {
        String qualifier = qualifierOf(ref);
        validate(in, new ConstraintViolations());
        Instant now = now();
        FunctionUrlConfig updated = store.transact(tx -> {
            if (tx.function(ref.name()).isEmpty()
                    || (!qualifier.equals(FunctionVersion.LATEST) && tx.alias(ref.name(), qualifier).isEmpty())) {
                throw LambdaException.notFound("Function does not exist");
            }
            FunctionUrlConfig old = tx.functionUrlConfig(ref.name(), qualifier).orElseThrow(FunctionUrls::noUrl);
            FunctionUrlConfig config = new FunctionUrlConfig(old.functionName(), old.qualifier(), old.urlId(),
                    Optional.ofNullable(in.authType()).orElse(old.authType()),
                    in.cors() != null ? corsJson(in.cors()) : old.cors(),
                    Optional.ofNullable(in.invokeMode()).orElse(old.invokeMode()), old.creationTime(), now);
            tx.putFunctionUrlConfig(config);
            return config;
        });
        index(updated);
        return output(updated);
    }

    /**
     * DeleteFunctionUrlConfig.
     *
     * @throws LambdaException ResourceNotFoundException "The resource you requested does not exist."
     */
    public void delete(FunctionRef ref) {
        String qualifier = qualifierOf(ref);
        FunctionUrlConfig deleted = store.transact(tx -> {
            FunctionUrlConfig config = tx.functionUrlConfig(ref.name(), qualifier).orElseThrow(FunctionUrls::noUrl);
            tx.deleteFunctionUrlConfig(ref.name(), qualifier);
            return config;
        });
        byId.remove(deleted.urlId());
    }

    /**
     * ListFunctionUrlConfigs: the function's URLs ordered by qualifier, {@code maxItems} (1–50, 50 by
     * default) per page; the marker is the qualifier after which the next page starts.
     *
     * @throws LambdaException ValidationException for MaxItems; ResourceNotFoundException "Function does not exist"
     */
    public ListFunctionUrlConfigsOutput list(FunctionRef ref, Optional<String> marker, Optional<Integer> maxItems) {
        int limit = maxItems.orElse(MAX_ITEMS);
        new ConstraintViolations().range("maxItems", limit, 1, MAX_ITEMS).throwIfAny();
        List<FunctionUrlConfig> all = store.transact(tx -> {
            if (tx.function(ref.name()).isEmpty()) {
                throw LambdaException.notFound("Function does not exist");
            }
            return tx.functionUrlConfigs(ref.name());
        });
        List<FunctionUrlConfig> after = all.stream().filter(c -> marker.map(m -> c.qualifier().compareTo(m) > 0).orElse(true))
                .toList();
        List<FunctionUrlConfig> page = after.stream().limit(limit).toList();
        String next = after.size() > limit ? page.getLast().qualifier() : null;
        return new ListFunctionUrlConfigsOutput(page.stream().map(this::output).toList(), next);
    }

    /** The URL of id {@code urlId}, if this account has it. */
    public Optional<FunctionUrl> byUrlId(String urlId) {
        return Optional.ofNullable(byId.get(urlId));
    }

    /** Re-reads the URLs of a function whose aliases changed or which was deleted. */
    @Override
    public void functionChanged(String functionName, boolean deleted) {
        List<FunctionUrlConfig> stored = store.transact(tx -> tx.functionUrlConfigs(functionName));
        byId.values().removeIf(url -> url.functionName().equals(functionName)
                && stored.stream().noneMatch(c -> c.urlId().equals(url.urlId())));
        stored.forEach(this::index);
    }

    /**
     * The stored qualifier of {@code ref}: {@code $LATEST} without one.
     *
     * @throws LambdaException ValidationException, in Lambda's words, for a version number or another
     *     value outside the URL qualifier's pattern
     */
    private static String qualifierOf(FunctionRef ref) {
        if (ref.qualifier().isEmpty()) {
            return FunctionVersion.LATEST;
        }
        String qualifier = ref.qualifier().get();
        new ConstraintViolations().minLength("qualifier", qualifier, 1).maxLength("qualifier", qualifier, 128)
                .pattern("qualifier", qualifier, QUALIFIER, QUALIFIER_PATTERN).throwIfAny();
        return qualifier;
    }

    private static void validate(FunctionUrlConfigInput in, ConstraintViolations violations) {
        if (in.authType() != null) {
            violations.enumValue("authType", in.authType(), AUTH_TYPES);
        }
        if (in.invokeMode() != null) {
            violations.enumValue("invokeMode", in.invokeMode(), INVOKE_MODES);
        }
        Cors cors = in.cors();
        if (cors != null) {
            list(violations, "cors.allowHeaders", cors.allowHeaders(), 100, 1024);
            list(violations, "cors.allowMethods", cors.allowMethods(), 6, 6);
            list(violations, "cors.allowOrigins", cors.allowOrigins(), 100, 253);
            list(violations, "cors.exposeHeaders", cors.exposeHeaders(), 100, 1024);
            if (cors.allowOrigins() != null) {
                cors.allowOrigins().stream().filter(String::isEmpty).findFirst()
                        .ifPresent(o -> violations.add(o, "cors.allowOrigins", "Member must have length greater than or equal to 1"));
            }
            if (cors.maxAge() != null) {
                violations.range("cors.maxAge", cors.maxAge(), 0, 86_400);
            }
        }
        violations.throwIfAny();
    }

    private static void list(ConstraintViolations violations, String member, List<String> values, int maxItems, int maxLength) {
        if (values == null) {
            return;
        }
        if (values.size() > maxItems) {
            violations.add(values, member, "Member must have length less than or equal to " + maxItems);
        }
        values.stream().filter(v -> v == null || v.length() > maxLength).findFirst().ifPresent(v -> violations.add(v, member,
                v == null ? "Member must not be null" : "Member must have length less than or equal to " + maxLength));
    }

    private String newUrlId() {
        StringBuilder id = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private String arnOf(String functionName, String qualifier) {
        return qualifier.equals(FunctionVersion.LATEST) ? account.functionArn(functionName)
                : account.functionArn(functionName, qualifier);
    }

    private void index(FunctionUrlConfig config) {
        byId.put(config.urlId(), new FunctionUrl(account, config.functionName(),
                config.qualifier().equals(FunctionVersion.LATEST) ? Optional.empty() : Optional.of(config.qualifier()),
                config.urlId(), config.authType(), Optional.ofNullable(cors(config.cors())), config.invokeMode()));
    }

    private FunctionUrlConfigOutput output(FunctionUrlConfig config) {
        return new FunctionUrlConfigOutput(addresses.urlOf(config.urlId(), account.region()),
                arnOf(config.functionName(), config.qualifier()), config.authType(), cors(config.cors()),
                TIME.format(config.creationTime()), TIME.format(config.lastModifiedTime()), config.invokeMode());
    }

    private static LambdaException noUrl() {
        return LambdaException.notFound("The resource you requested does not exist.");
    }

    private static String corsJson(Cors cors) {
        if (cors == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(cors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a CORS configuration could not be rendered as JSON", e);
        }
    }

    private static Cors cors(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, Cors.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored CORS configuration is not JSON: " + e.getMessage(), e);
        }
    }
}
