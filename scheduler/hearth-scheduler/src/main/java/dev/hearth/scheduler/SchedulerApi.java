package dev.hearth.scheduler;

import dev.hearth.core.AccountContext;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.ApiService;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * EventBridge Scheduler's REST JSON API (signing name {@code scheduler}, service model 2021-06-30):
 * schedules, schedule groups and their tags, each request served by the {@link Schedules} of the
 * caller's account and region. Thread-safe.
 */
public final class SchedulerApi {
    /** EventBridge's limit on an event is 256 KB; the body around it adds little. */
    private static final long MAX_BODY_BYTES = 512 * 1024;

    private final Function<AccountContext, Schedules> schedulesOf;

    /** @param schedulesOf the schedules of an account and region (the caller's) */
    public SchedulerApi(Function<AccountContext, Schedules> schedulesOf) {
        this.schedulesOf = schedulesOf;
    }

    /** A group's {@code Tags} member and idempotency token. */
    public record GroupInput(String clientToken, List<Tag> tags) {}

    /** {@code {"Key", "Value"}}. */
    public record Tag(String key, String value) {}

    /** The {@code scheduler} service of the shared endpoint. */
    public ApiService service() {
        return ApiService.rest("scheduler", List.of(
                route("POST", "/schedules/{Name}", "CreateSchedule", r -> json(schedules(r).create(r.path("Name"),
                        AwsJson.read(r.body(), Schedules.ScheduleInput.class)))),
                route("PUT", "/schedules/{Name}", "UpdateSchedule", r -> json(schedules(r).update(r.path("Name"),
                        AwsJson.read(r.body(), Schedules.ScheduleInput.class)))),
                route("GET", "/schedules/{Name}", "GetSchedule",
                        r -> json(schedules(r).get(r.query("groupName").orElse(null), r.path("Name")))),
                route("DELETE", "/schedules/{Name}", "DeleteSchedule", r -> {
                    schedules(r).delete(r.query("groupName").orElse(null), r.path("Name"));
                    return json(Map.of());
                }),
                route("GET", "/schedules", "ListSchedules", r -> json(schedules(r).list(r.query("ScheduleGroup").orElse(null),
                        r.query("NamePrefix").orElse(null), r.query("State").orElse(null),
                        r.queryInt("MaxResults").orElse(null), r.query("NextToken").orElse(null)))),
                route("POST", "/schedule-groups/{Name}", "CreateScheduleGroup", r -> {
                    GroupInput input = AwsJson.read(r.body(), GroupInput.class);
                    return json(schedules(r).createGroup(r.path("Name"), input.clientToken(), tagMap(input.tags())));
                }),
                route("GET", "/schedule-groups/{Name}", "GetScheduleGroup", r -> json(schedules(r).getGroup(r.path("Name")))),
                route("DELETE", "/schedule-groups/{Name}", "DeleteScheduleGroup", r -> {
                    schedules(r).deleteGroup(r.path("Name"));
                    return json(Map.of());
                }),
                route("GET", "/schedule-groups", "ListScheduleGroups", r -> json(schedules(r).listGroups(
                        r.query("NamePrefix").orElse(null), r.queryInt("MaxResults").orElse(null),
                        r.query("NextToken").orElse(null)))),
                route("GET", "/tags/{ResourceArn}", "ListTagsForResource", r -> json(Map.of("Tags",
                        schedules(r).tags(r.path("ResourceArn")).entrySet().stream()
                                .map(tag -> Map.of("Key", tag.getKey(), "Value", tag.getValue())).toList()))),
                route("POST", "/tags/{ResourceArn}", "TagResource", r -> {
                    schedules(r).tag(r.path("ResourceArn"), tagMap(AwsJson.read(r.body(), GroupInput.class).tags()));
                    return json(Map.of());
                }),
                route("DELETE", "/tags/{ResourceArn}", "UntagResource", r -> {
                    schedules(r).untag(r.path("ResourceArn"), r.queryAll("TagKeys"));
                    return json(Map.of());
                })));
    }

    private Schedules schedules(ApiRequest request) {
        return schedulesOf.apply(request.caller());
    }

    private static Route route(String method, String path, String operation, dev.hearth.http.Endpoint endpoint) {
        return new Route(method, path, operation, MAX_BODY_BYTES, endpoint);
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        if (tags != null) {
            tags.forEach(tag -> map.put(tag.key(), tag.value()));
        }
        return map;
    }

    private static ApiResponse json(Map<String, ?> body) {
        return ApiResponse.json(200, AwsJson.writePlain(body));
    }
}
