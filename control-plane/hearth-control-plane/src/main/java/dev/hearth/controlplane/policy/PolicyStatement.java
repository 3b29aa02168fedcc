package dev.hearth.controlplane.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One statement of a resource-based policy, as AddPermission (or AddLayerVersionPermission) makes it:
 * always {@code "Effect": "Allow"}, one principal, one action, one resource, optional conditions.
 *
 * @param sid the statement id, unique within its policy
 * @param action {@code lambda:InvokeFunction}, {@code lambda:GetFunction}, {@code lambda:*}, {@code *} ...
 * @param resource the ARN the statement applies to (a function, version or alias; a layer version)
 */
public record PolicyStatement(String sid, PolicyPrincipal principal, String action, String resource, PolicyConditions conditions) {
    static final String EFFECT = "Allow";

    public PolicyStatement {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(conditions, "conditions");
    }

    /** Whether this statement allows {@code request}: its principal, action and every condition match. */
    public boolean allows(PolicyRequest request) {
        return principal.includesAccount(request.callerAccount()) && actionCovers(request.action())
                && conditions.holdFor(request);
    }

    private boolean actionCovers(String requested) {
        // IAM compares actions without regard to case; AddPermission's pattern admits no other wildcard
        return action.equals("*") || action.equalsIgnoreCase("lambda:*") || action.equalsIgnoreCase(requested);
    }

    /** The statement in Lambda's JSON: Sid, Effect, Principal, Action, Resource, Condition (when any), in that order. */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("Sid", sid);
        json.put("Effect", EFFECT);
        json.put("Principal", principal.json());
        json.put("Action", action);
        json.put("Resource", resource);
        if (!conditions.isEmpty()) {
            json.put("Condition", conditions.json());
        }
        return json;
    }

    /** The statement {@link #json} rendered. */
    @SuppressWarnings("unchecked")
    static PolicyStatement fromJson(Map<String, Object> json) {
        return new PolicyStatement((String) json.get("Sid"), PolicyPrincipal.fromJson(json.get("Principal")),
                (String) json.get("Action"), (String) json.get("Resource"),
                PolicyConditions.fromJson((Map<String, Map<String, String>>) json.get("Condition")));
    }
}
