package dev.hearth.scheduler;

import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * EventBridge Scheduler's operations on the schedules and schedule groups of one account in one
 * region: the service model's constraints (answered as {@code ValidationException} in the model's
 * wording), the rules between members, defaults, ARNs, idempotency by {@code ClientToken}, and the
 * first fire of a created or updated schedule, which the {@link ScheduleEngine} takes from there.
 * Answers are maps in the API's JSON shapes (timestamps as epoch seconds).
 *
 * <p>Threading: thread-safe (the store serializes its transactions).
 */
public final class Schedules {
    static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-_.]+");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-[a-z]+)?:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern QUEUE_ARN = Pattern.compile("arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("[a-zA-Z0-9-_]+");
    private static final Pattern FUNCTION_ARN = Pattern.compile(
            "arn:aws(-[a-z]+)?:lambda:([a-z0-9\\-]+):(\\d{12}):function:[a-zA-Z0-9-_]{1,64}(:[a-zA-Z0-9-_$]{1,128})?");
    private static final List<String> STATES = List.of("ENABLED", "DISABLED");
    private static final List<String> MODES = List.of("OFF", "FLEXIBLE");
    private static final List<String> ACTIONS = List.of("NONE", "DELETE");
    private static final int DEFAULT_PAGE = 100;

    private final SqliteSchedules store;
    private final AccountContext scope;
    private final InstantSource clock;

    Schedules(SqliteSchedules store, AccountContext scope, InstantSource clock) {
        this.store = store;
        this.scope = scope;
        this.clock = clock;
    }

    /** What CreateSchedule and UpdateSchedule read from their body (timestamps in epoch seconds). */
    public record ScheduleInput(String groupName, String scheduleExpression, String scheduleExpressionTimezone,
            BigDecimal startDate, BigDecimal endDate, String description, String state,
            ScheduleSpec.FlexibleTimeWindow flexibleTimeWindow, ScheduleSpec.Target target, String actionAfterCompletion,
            String clientToken, String kmsKeyArn) {}

    static String scheduleArn(AccountContext scope, String group, String name) {
        return "arn:aws:scheduler:" + scope.region() + ":" + scope.accountId() + ":schedule/" + group + "/" + name;
    }

    private String groupArn(String name) {
        return "arn:aws:scheduler:" + scope.region() + ":" + scope.accountId() + ":schedule-group/" + name;
    }

    // ---- schedules

    /** CreateSchedule: {@code {"ScheduleArn"}}. */
    public Map<String, Object> create(String name, ScheduleInput input) {
        String group = groupOf(input.groupName());
        ScheduleSpec spec = validate(name, input);
        requireGroup(group);
        long now = clock.millis();
        Long next = spec.enabled() ? ScheduleEngine.nextFire(spec, now, now - 1).orElse(null) : null;
        Long first = ScheduleEngine.nextFire(spec, now, now - 1).orElse(null);
        SqliteSchedules.Row row = new SqliteSchedules.Row(0, group, name, spec, now, now, 1, input.clientToken(), first, next, 0);
        if (!store.insert(row)) {
            Optional<SqliteSchedules.Row> existing = store.find(group, name);
            boolean retried = input.clientToken() != null && existing.isPresent()
                    && input.clientToken().equals(existing.get().clientToken());
            if (!retried) {
                throw new LambdaException(LambdaErrorType.ConflictException, "Schedule " + name + " already exists.");
            }
        }
        return Map.of("ScheduleArn", scheduleArn(scope, group, name));
    }

    /** UpdateSchedule: replaces every member (those left out take their defaults); {@code {"ScheduleArn"}}. */
    public Map<String, Object> update(String name, ScheduleInput input) {
        String group = groupOf(input.groupName());
        ScheduleSpec spec = validate(name, input);
        SqliteSchedules.Row existing = store.find(group, name).orElseThrow(() -> scheduleNotFound(name));
        long now = clock.millis();
        Long next = ScheduleEngine.nextFire(spec, existing.createdMs(), now - 1).orElse(null);
        if (!store.replace(existing.id(), spec, now, next, spec.enabled() ? next : null)) {
            throw scheduleNotFound(name);
        }
        return Map.of("ScheduleArn", scheduleArn(scope, group, name));
    }

    /** GetSchedule. */
    public Map<String, Object> get(String groupName, String name) {
        String group = groupOf(groupName);
        requireName("Name", name);
        SqliteSchedules.Row row = store.find(group, name).orElseThrow(() -> scheduleNotFound(name));
        ScheduleSpec spec = row.spec();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ActionAfterCompletion", spec.actionAfterCompletion());
        out.put("Arn", scheduleArn(scope, group, name));
        out.put("CreationDate", seconds(row.createdMs()));
        if (spec.description() != null) {
            out.put("Description", spec.description());
        }
        if (spec.endDate() != null) {
            out.put("EndDate", seconds(spec.endDate()));
        }
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("Mode", spec.flexibleTimeWindow().mode());
        if (spec.flexibleTimeWindow().maximumWindowInMinutes() != null) {
            window.put("MaximumWindowInMinutes", spec.flexibleTimeWindow().maximumWindowInMinutes());
        }
        out.put("FlexibleTimeWindow", window);
        out.put("GroupName", group);
        if (spec.kmsKeyArn() != null) {
            out.put("KmsKeyArn", spec.kmsKeyArn());
        }
        out.put("LastModificationDate", seconds(row.modifiedMs()));
        out.put("Name", name);
        out.put("ScheduleExpression", spec.scheduleExpression());
        out.put("ScheduleExpressionTimezone", spec.scheduleExpressionTimezone());
        if (spec.startDate() != null) {
            out.put("StartDate", seconds(spec.startDate()));
        }
        out.put("State", spec.state());
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("Arn", spec.target().arn());
        spec.deadLetterQueue().ifPresent(queue -> target.put("DeadLetterConfig", Map.of("Arn", queue)));
        if (spec.target().input() != null) {
            target.put("Input", spec.target().input());
        }
        target.put("RetryPolicy", Map.of("MaximumEventAgeInSeconds", spec.target().retryPolicy().maximumEventAgeInSeconds(),
                "MaximumRetryAttempts", spec.target().retryPolicy().maximumRetryAttempts()));
        target.put("RoleArn", spec.target().roleArn());
        out.put("Target", target);
        return out;
    }

    /** DeleteSchedule. */
    public void delete(String groupName, String name) {
        String group = groupOf(groupName);
        requireName("Name", name);
        if (!store.delete(group, name)) {
            throw scheduleNotFound(name);
        }
    }

    /** ListSchedules: by group and name, filtered by group, name prefix and state. */
    public Map<String, Object> list(String groupName, String namePrefix, String state, Integer maxResults, String nextToken) {
        ConstraintViolations violations = new ConstraintViolations();
        if (groupName != null) {
            nameConstraints(violations, "groupName", groupName);
        }
        if (namePrefix != null) {
            nameConstraints(violations, "namePrefix", namePrefix);
        }
        if (state != null) {
            violations.enumValue("state", state, STATES);
        }
        if (maxResults != null) {
            violations.range("maxResults", maxResults, 1, 100);
        }
        violations.throwIfAny();
        if (groupName != null) {
            requireGroup(groupName);
        }
        int limit = maxResults == null ? DEFAULT_PAGE : maxResults;
        List<SqliteSchedules.Row> rows = store.list(groupName, namePrefix, state, after(nextToken), limit + 1);
        List<Map<String, Object>> schedules = new ArrayList<>();
        for (SqliteSchedules.Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("Arn", scheduleArn(scope, row.group(), row.name()));
            summary.put("CreationDate", seconds(row.createdMs()));
            summary.put("GroupName", row.group());
            summary.put("LastModificationDate", seconds(row.modifiedMs()));
            summary.put("Name", row.name());
            summary.put("State", row.spec().state());
            summary.put("Target", Map.of("Arn", row.spec().target().arn()));
            schedules.add(summary);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Schedules", schedules);
        if (rows.size() > limit) {
            SqliteSchedules.Row last = rows.get(limit - 1);
            out.put("NextToken", token(last.group() + "/" + last.name()));
        }
        return out;
    }

    // ---- groups

    /** CreateScheduleGroup: {@code {"ScheduleGroupArn"}}. */
    public Map<String, Object> createGroup(String name, String clientToken, Map<String, String> tags) {
        ConstraintViolations violations = new ConstraintViolations();
        nameConstraints(violations, "name", name);
        if (clientToken != null) {
            violations.minLength("clientToken", clientToken, 1).maxLength("clientToken", clientToken, 64)
                    .pattern("clientToken", clientToken, CLIENT_TOKEN, "^[a-zA-Z0-9-_]+$");
        }
        violations.throwIfAny();
        if (!store.createGroup(name, clock.millis(), clientToken, tags)) {
            boolean retried = clientToken != null
                    && store.group(name).map(group -> clientToken.equals(group.clientToken())).orElse(false);
            if (!retried) {
                throw new LambdaException(LambdaErrorType.ConflictException, "Schedule group " + name + " already exists.");
            }
        }
        return Map.of("ScheduleGroupArn", groupArn(name));
    }

    /** GetScheduleGroup. */
    public Map<String, Object> getGroup(String name) {
        requireName("name", name);
        return groupSummary(store.group(name).orElseThrow(() -> groupNotFound(name)));
    }

    /** DeleteScheduleGroup: the group and its schedules; the {@code default} group cannot be deleted. */
    public void deleteGroup(String name) {
        requireName("name", name);
        if (name.equals(SqliteSchedules.DEFAULT_GROUP)) {
            throw new LambdaException(LambdaErrorType.ValidationException, "Cannot delete the default schedule group.");
        }
        if (!store.deleteGroup(name)) {
            throw groupNotFound(name);
        }
    }

    /** ListScheduleGroups, by name. */
    public Map<String, Object> listGroups(String namePrefix, Integer maxResults, String nextToken) {
        ConstraintViolations violations = new ConstraintViolations();
        if (namePrefix != null) {
            nameConstraints(violations, "namePrefix", namePrefix);
        }
        if (maxResults != null) {
            violations.range("maxResults", maxResults, 1, 100);
        }
        violations.throwIfAny();
        int limit = maxResults == null ? DEFAULT_PAGE : maxResults;
        List<SqliteSchedules.Group> groups = store.groups(namePrefix == null ? "" : namePrefix, after(nextToken), limit + 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ScheduleGroups", groups.subList(0, Math.min(limit, groups.size())).stream().map(this::groupSummary).toList());
        if (groups.size() > limit) {
            out.put("NextToken", token(groups.get(limit - 1).name()));
        }
        return out;
    }

    private Map<String, Object> groupSummary(SqliteSchedules.Group group) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Arn", groupArn(group.name()));
        out.put("CreationDate", seconds(group.createdMs()));
        out.put("LastModificationDate", seconds(group.modifiedMs()));
        out.put("Name", group.name());
        out.put("State", "ACTIVE");
        return out;
    }

    // ---- tags (schedule groups are the taggable resource)

    /** The tags of the schedule group {@code arn}. */
    public Map<String, String> tags(String arn) {
        return groupOfArn(arn).tags();
    }

    /** TagResource: adds or replaces tags on a schedule group. */
    public void tag(String arn, Map<String, String> tags) {
        SqliteSchedules.Group group = groupOfArn(arn);
        Map<String, String> merged = new LinkedHashMap<>(group.tags());
        merged.putAll(tags);
        store.setGroupTags(group.name(), merged, clock.millis());
    }

    /** UntagResource. */
    public void untag(String arn, List<String> keys) {
        SqliteSchedules.Group group = groupOfArn(arn);
        Map<String, String> remaining = new LinkedHashMap<>(group.tags());
        keys.forEach(remaining::remove);
        store.setGroupTags(group.name(), remaining, clock.millis());
    }

    private SqliteSchedules.Group groupOfArn(String arn) {
        String prefix = groupArn("");
        if (!arn.startsWith(prefix)) {
            throw new LambdaException(LambdaErrorType.ResourceNotFoundException, "Resource " + arn + " does not exist.");
        }
        String name = arn.substring(prefix.length());
        return store.group(name).orElseThrow(() -> groupNotFound(name));
    }

    // ---- validation

    private ScheduleSpec validate(String name, ScheduleInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        nameConstraints(violations, "name", name);
        if (in.groupName() != null) {
            nameConstraints(violations, "groupName", in.groupName());
        }
        if (in.scheduleExpression() == null) {
            violations.missing("scheduleExpression");
        } else {
            violations.minLength("scheduleExpression", in.scheduleExpression(), 1)
                    .maxLength("scheduleExpression", in.scheduleExpression(), 256);
        }
        if (in.scheduleExpressionTimezone() != null) {
            violations.minLength("scheduleExpressionTimezone", in.scheduleExpressionTimezone(), 1)
                    .maxLength("scheduleExpressionTimezone", in.scheduleExpressionTimezone(), 50);
        }
        if (in.description() != null) {
            violations.maxLength("description", in.description(), 512);
        }
        if (in.state() != null) {
            violations.enumValue("state", in.state(), STATES);
        }
        if (in.actionAfterCompletion() != null) {
            violations.enumValue("actionAfterCompletion", in.actionAfterCompletion(), ACTIONS);
        }
        if (in.clientToken() != null) {
            violations.minLength("clientToken", in.clientToken(), 1).maxLength("clientToken", in.clientToken(), 64)
                    .pattern("clientToken", in.clientToken(), CLIENT_TOKEN, "^[a-zA-Z0-9-_]+$");
        }
        ScheduleSpec.FlexibleTimeWindow window = in.flexibleTimeWindow();
        if (window == null) {
            violations.missing("flexibleTimeWindow");
        } else if (window.mode() == null) {
            violations.missing("flexibleTimeWindow.mode");
        } else {
            violations.enumValue("flexibleTimeWindow.mode", window.mode(), MODES);
            if (window.maximumWindowInMinutes() != null) {
                violations.range("flexibleTimeWindow.maximumWindowInMinutes", window.maximumWindowInMinutes(), 1, 1440);
            }
        }
        ScheduleSpec.Target target = in.target();
        ScheduleSpec.RetryPolicy retry = target == null ? null : target.retryPolicy();
        if (target == null) {
            violations.missing("target");
        } else {
            if (target.arn() == null) {
                violations.missing("target.arn");
            } else {
                violations.minLength("target.arn", target.arn(), 1).maxLength("target.arn", target.arn(), 1600);
            }
            if (target.roleArn() == null) {
                violations.missing("target.roleArn");
            } else {
                violations.pattern("target.roleArn", target.roleArn(), ROLE_ARN,
                        "^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$");
            }
            if (target.input() != null) {
                violations.minLength("target.input", target.input(), 1);
            }
            if (retry != null && retry.maximumEventAgeInSeconds() != null) {
                violations.range("target.retryPolicy.maximumEventAgeInSeconds", retry.maximumEventAgeInSeconds(), 60, 86_400);
            }
            if (retry != null && retry.maximumRetryAttempts() != null) {
                violations.range("target.retryPolicy.maximumRetryAttempts", retry.maximumRetryAttempts(), 0, 185);
            }
            if (target.deadLetterConfig() != null && target.deadLetterConfig().arn() != null) {
                violations.pattern("target.deadLetterConfig.arn", target.deadLetterConfig().arn(), QUEUE_ARN,
                        "^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$");
            }
        }
        violations.throwIfAny();

        // the rules between members, after the model's constraints
        if ("FLEXIBLE".equals(window.mode()) && window.maximumWindowInMinutes() == null) {
            throw validation("MaximumWindowInMinutes must be specified when the FlexibleTimeWindow mode is FLEXIBLE.");
        }
        if ("OFF".equals(window.mode()) && window.maximumWindowInMinutes() != null) {
            throw validation("MaximumWindowInMinutes must not be specified when the FlexibleTimeWindow mode is OFF.");
        }
        var function = FUNCTION_ARN.matcher(target.arn());
        if (!function.matches() || !function.group(2).equals(scope.region()) || !function.group(3).equals(scope.accountId())) {
            throw validation("Invalid target " + target.arn() + ": Hearth's schedules invoke Lambda functions of account "
                    + scope.accountId() + " in " + scope.region() + " only (arn:aws:lambda:" + scope.region() + ":"
                    + scope.accountId() + ":function:NAME[:QUALIFIER]).");
        }
        String zone = in.scheduleExpressionTimezone() == null ? "UTC" : in.scheduleExpressionTimezone();
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw validation("Invalid time zone " + zone + ".");
        }
        try {
            ScheduleExpression.parse(in.scheduleExpression());
        } catch (IllegalArgumentException e) {
            throw validation("Invalid Schedule Expression " + in.scheduleExpression() + ".");
        }
        Long start = millis(in.startDate());
        Long end = millis(in.endDate());
        if (start != null && end != null && end <= start) {
            throw validation("The EndDate must be after the StartDate.");
        }
        ScheduleSpec.RetryPolicy retryPolicy = new ScheduleSpec.RetryPolicy(
                retry == null || retry.maximumEventAgeInSeconds() == null ? ScheduleSpec.DEFAULT_MAXIMUM_EVENT_AGE_SECONDS
                        : retry.maximumEventAgeInSeconds(),
                retry == null || retry.maximumRetryAttempts() == null ? ScheduleSpec.DEFAULT_MAXIMUM_RETRY_ATTEMPTS
                        : retry.maximumRetryAttempts());
        ScheduleSpec.Target stored = new ScheduleSpec.Target(target.arn(), target.roleArn(), target.input(), retryPolicy,
                target.deadLetterConfig() == null || target.deadLetterConfig().arn() == null ? null : target.deadLetterConfig());
        return new ScheduleSpec(in.scheduleExpression(), zone, start, end, in.description(),
                in.state() == null ? "ENABLED" : in.state(), window, stored,
                in.actionAfterCompletion() == null ? "NONE" : in.actionAfterCompletion(), in.kmsKeyArn());
    }

    private static void nameConstraints(ConstraintViolations violations, String member, String value) {
        violations.minLength(member, value, 1).maxLength(member, value, 64)
                .pattern(member, value, NAME, "^[0-9a-zA-Z-_.]+$");
    }

    private static void requireName(String member, String value) {
        ConstraintViolations violations = new ConstraintViolations();
        nameConstraints(violations, member, value);
        violations.throwIfAny();
    }

    private static String groupOf(String groupName) {
        if (groupName == null) {
            return SqliteSchedules.DEFAULT_GROUP;
        }
        requireName("groupName", groupName);
        return groupName;
    }

    private void requireGroup(String group) {
        if (store.group(group).isEmpty()) {
            throw groupNotFound(group);
        }
    }

    private static LambdaException validation(String message) {
        return new LambdaException(LambdaErrorType.ValidationException, message);
    }

    private static LambdaException scheduleNotFound(String name) {
        return new LambdaException(LambdaErrorType.ResourceNotFoundException, "Schedule " + name + " does not exist.");
    }

    private static LambdaException groupNotFound(String name) {
        return new LambdaException(LambdaErrorType.ResourceNotFoundException, "Schedule group " + name + " does not exist.");
    }

    private static Long millis(BigDecimal seconds) {
        return seconds == null ? null : seconds.movePointRight(3).longValue();
    }

    private static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis, 3);
    }

    private static String token(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String after(String nextToken) {
        if (nextToken == null) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(nextToken), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw validation("Invalid NextToken.");
        }
    }
}
