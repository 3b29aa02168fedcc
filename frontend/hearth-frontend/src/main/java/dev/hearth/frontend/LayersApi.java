package dev.hearth.frontend;

import static dev.hearth.frontend.ManagementApi.created;
import static dev.hearth.frontend.ManagementApi.ok;

import dev.hearth.controlplane.LayerService;
import dev.hearth.controlplane.api.AddLayerVersionPermissionInput;
import dev.hearth.controlplane.api.PublishLayerVersionInput;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;

/**
 * Lambda's layer operations on their REST paths (API version 2018-10-31), mapping JSON to {@link
 * LayerService} calls. ListLayers and GetLayerVersionByArn share a path: a request with {@code
 * find=LayerVersion} is the latter. Layer names in paths may be layer ARNs.
 */
public final class LayersApi {
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final String LAYERS = "/2018-10-31/layers";
    private static final String VERSIONS = LAYERS + "/{LayerName}/versions";
    private static final String VERSION = VERSIONS + "/{VersionNumber}";

    private final LayerService layers;
    private final CodeDownloads downloads;

    public LayersApi(LayerService layers, CodeDownloads downloads) {
        this.layers = layers;
        this.downloads = downloads;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", VERSIONS, "PublishLayerVersion", ManagementApi.CODE_REQUEST_LIMIT, r -> created(
                        layers.publishLayerVersion(r.path("LayerName"), AwsJson.read(r.body(), PublishLayerVersionInput.class),
                                downloads::location))),
                new Route("GET", VERSIONS, "ListLayerVersions", REQUEST_LIMIT, r -> ok(layers.listLayerVersions(
                        r.path("LayerName"), r.query("CompatibleRuntime"), r.query("Marker"), r.queryInt("MaxItems").orElse(null),
                        r.query("CompatibleArchitecture")))),
                new Route("GET", VERSION, "GetLayerVersion", REQUEST_LIMIT, r -> ok(
                        layers.getLayerVersion(r.path("LayerName"), versionNumber(r), downloads::location))),
                new Route("DELETE", VERSION, "DeleteLayerVersion", REQUEST_LIMIT, r -> {
                    layers.deleteLayerVersion(r.path("LayerName"), versionNumber(r));
                    return ApiResponse.noContent();
                }),
                new Route("GET", LAYERS, "ListLayers", REQUEST_LIMIT, this::listLayersOrFind),
                new Route("POST", VERSION + "/policy", "AddLayerVersionPermission", REQUEST_LIMIT, r -> created(
                        layers.addLayerVersionPermission(r.path("LayerName"), versionNumber(r),
                                AwsJson.read(r.body(), AddLayerVersionPermissionInput.class), r.query("RevisionId")))),
                new Route("GET", VERSION + "/policy", "GetLayerVersionPolicy", REQUEST_LIMIT, r -> ok(
                        layers.getLayerVersionPolicy(r.path("LayerName"), versionNumber(r)))),
                new Route("DELETE", VERSION + "/policy/{StatementId}", "RemoveLayerVersionPermission", REQUEST_LIMIT, r -> {
                    layers.removeLayerVersionPermission(r.path("LayerName"), versionNumber(r), r.path("StatementId"),
                            r.query("RevisionId"));
                    return ApiResponse.noContent();
                }));
    }

    /** {@code GET /2018-10-31/layers}: GetLayerVersionByArn with {@code find=LayerVersion}, else ListLayers. */
    private ApiResponse listLayersOrFind(ApiRequest r) {
        if (r.query("find").filter("LayerVersion"::equals).isPresent()) {
            return ok(layers.getLayerVersionByArn(r.query("Arn").orElse(null), downloads::location));
        }
        return ok(layers.listLayers(r.query("CompatibleRuntime"), r.query("Marker"), r.queryInt("MaxItems").orElse(null),
                r.query("CompatibleArchitecture")));
    }

    private static long versionNumber(ApiRequest request) {
        String value = request.path("VersionNumber");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConstraintViolations().add(value, "versionNumber", "Member must be a number")
                    .exception(LambdaErrorType.InvalidParameterValueException);
        }
    }
}
