package dev.hearth.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.spi.AccountUsage;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.CodeSigningConfig;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionLayer;
import dev.hearth.store.spi.FunctionPolicy;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionUrlConfig;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.LayerPermission;
import dev.hearth.store.spi.LayerVersion;
import dev.hearth.store.spi.ProvisionedConcurrency;
import dev.hearth.store.spi.StoreException;
import dev.hearth.store.spi.StoreTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** One transaction's view of the SQLite store; used only inside {@link SqliteFunctionStore#transact}. */
final class SqliteStoreTransaction implements StoreTransaction {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<Map<String, Double>> WEIGHTS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final String LAYER_VERSION_COLUMNS = "layer_name, version, description, created_date, compatible_runtimes,"
            + " compatible_architectures, license_info, code_sha256, code_size, policy_revision_id";
    private static final String CSC_COLUMNS =
            "id, description, signing_profile_version_arns, untrusted_artifact_on_deployment, tags, last_modified";
    private static final String VERSION_COLUMNS =
            "function_name, version, configuration, code_sha256, code_size, last_modified, revision_id";

    private final Connection connection;

    SqliteStoreTransaction(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<FunctionRecord> function(String functionName) {
        return queryOne("SELECT name, created_at, last_published_version, tags FROM function WHERE name = ?",
                rs -> new FunctionRecord(rs.getString(1), Instant.parse(rs.getString(2)), rs.getLong(3),
                        fromJson(rs.getString(4), STRING_MAP)),
                functionName);
    }

    @Override
    public void insertFunction(FunctionRecord function, FunctionVersion latest) {
        if (function(function.name()).isPresent()) {
            throw new IllegalStateException("function " + function.name() + " exists");
        }
        update("INSERT INTO function (name, created_at, last_published_version, tags) VALUES (?, ?, ?, ?)",
                function.name(), function.createdAt().toString(), function.lastPublishedVersion(), toJson(function.tags()));
        putVersion(latest);
    }

    @Override
    public void updateFunction(FunctionRecord function) {
        int changed = update("UPDATE function SET last_published_version = ?, tags = ? WHERE name = ?",
                function.lastPublishedVersion(), toJson(function.tags()), function.name());
        requireFunction(changed, function.name());
    }

    @Override
    public void deleteFunction(String functionName) {
        update("DELETE FROM function WHERE name = ?", functionName);
    }

    @Override
    public List<FunctionVersion> latestVersions(Optional<String> afterName, int limit) {
        return withStoredLayers(query("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE version = '$LATEST'"
                + " AND function_name > ? ORDER BY function_name LIMIT ?", SqliteStoreTransaction::version, afterName.orElse(""), limit));
    }

    @Override
    public AccountUsage accountUsage() {
        return queryOne("SELECT (SELECT count(*) FROM function), (SELECT coalesce(sum(code_size), 0) FROM function_version)"
                + " + (SELECT coalesce(sum(code_size), 0) FROM layer_version)",
                rs -> new AccountUsage(rs.getLong(1), rs.getLong(2))).orElseThrow();
    }

    @Override
    public Optional<FunctionVersion> version(String functionName, String version) {
        return withStoredLayers(query("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE function_name = ? AND version = ?",
                SqliteStoreTransaction::version, functionName, version)).stream().findFirst();
    }

    @Override
    public List<FunctionVersion> versions(String functionName) {
        return withStoredLayers(query("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE function_name = ?"
                + " ORDER BY version_number", SqliteStoreTransaction::version, functionName));
    }

    @Override
    public void putVersion(FunctionVersion v) {
        if (function(v.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + v.functionName());
        }
        update("INSERT OR REPLACE INTO function_version (" + VERSION_COLUMNS + ", version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                v.functionName(), v.version(), toJson(v.configuration().withLayers(List.of())), v.code().sha256(),
                v.code().size(), v.lastModified().toString(), v.revisionId(), v.number());
        // a version's layers are rows of their own (the configuration's JSON keeps none)
        update("DELETE FROM function_version_layer WHERE function_name = ? AND version = ?", v.functionName(), v.version());
        List<FunctionLayer> layers = v.configuration().layers();
        for (int i = 0; i < layers.size(); i++) {
            FunctionLayer layer = layers.get(i);
            update("INSERT INTO function_version_layer (function_name, version, position, layer_arn, code_sha256, code_size)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", v.functionName(), v.version(), i, layer.arn(), layer.code().sha256(),
                    layer.code().size());
        }
    }

    @Override
    public void deleteVersion(String functionName, String version) {
        update("DELETE FROM function_version WHERE function_name = ? AND version = ?", functionName, version);
        update("DELETE FROM function_version_layer WHERE function_name = ? AND version = ?", functionName, version);
        deletePolicy(functionName, version);
    }

    @Override
    public Set<String> referencedCode() {
        return new HashSet<>(query("SELECT code_sha256 FROM function_version UNION SELECT code_sha256 FROM layer_version"
                + " UNION SELECT code_sha256 FROM function_version_layer", rs -> rs.getString(1)));
    }

    @Override
    public Optional<Alias> alias(String functionName, String aliasName) {
        return queryOne("SELECT function_name, name, function_version, description, routing, revision_id FROM alias"
                + " WHERE function_name = ? AND name = ?", SqliteStoreTransaction::alias, functionName, aliasName);
    }

    @Override
    public List<Alias> aliases(String functionName) {
        return query("SELECT function_name, name, function_version, description, routing, revision_id FROM alias"
                + " WHERE function_name = ? ORDER BY name", SqliteStoreTransaction::alias, functionName);
    }

    @Override
    public void putAlias(Alias a) {
        if (function(a.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + a.functionName());
        }
        update("INSERT OR REPLACE INTO alias (function_name, name, function_version, description, routing, revision_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)", a.functionName(), a.name(), a.functionVersion(), a.description(),
                toJson(a.additionalVersionWeights()), a.revisionId());
    }

    @Override
    public void deleteAlias(String functionName, String aliasName) {
        update("DELETE FROM alias WHERE function_name = ? AND name = ?", functionName, aliasName);
        deletePolicy(functionName, aliasName);
        deleteFunctionUrlConfig(functionName, aliasName);
    }

    @Override
    public OptionalInt reservedConcurrency(String functionName) {
        return queryOne("SELECT reserved FROM function_concurrency WHERE function_name = ?", rs -> rs.getInt(1), functionName)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    @Override
    public void putReservedConcurrency(String functionName, int reservedConcurrentExecutions) {
        if (function(functionName).isEmpty()) {
            throw new IllegalStateException("no function " + functionName);
        }
        update("INSERT OR REPLACE INTO function_concurrency (function_name, reserved) VALUES (?, ?)",
                functionName, reservedConcurrentExecutions);
    }

    @Override
    public void deleteReservedConcurrency(String functionName) {
        update("DELETE FROM function_concurrency WHERE function_name = ?", functionName);
    }

    @Override
    public Map<String, Integer> reservedConcurrencies() {
        Map<String, Integer> all = new HashMap<>();
        query("SELECT function_name, reserved FROM function_concurrency", rs -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(row -> all.put(row.getKey(), row.getValue()));
        return all;
    }

    @Override
    public Optional<ProvisionedConcurrency> provisionedConcurrency(String functionName, String qualifier) {
        return queryOne("SELECT function_name, qualifier, requested, last_modified FROM provisioned_concurrency"
                + " WHERE function_name = ? AND qualifier = ?", SqliteStoreTransaction::provisioned, functionName, qualifier);
    }

    @Override
    public List<ProvisionedConcurrency> provisionedConcurrencies(String functionName) {
        return query("SELECT function_name, qualifier, requested, last_modified FROM provisioned_concurrency"
                + " WHERE function_name = ? ORDER BY qualifier", SqliteStoreTransaction::provisioned, functionName);
    }

    @Override
    public List<ProvisionedConcurrency> allProvisionedConcurrencies() {
        return query("SELECT function_name, qualifier, requested, last_modified FROM provisioned_concurrency"
                + " ORDER BY function_name, qualifier", SqliteStoreTransaction::provisioned);
    }

    @Override
    public void putProvisionedConcurrency(ProvisionedConcurrency config) {
        if (function(config.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + config.functionName());
        }
        update("INSERT OR REPLACE INTO provisioned_concurrency (function_name, qualifier, requested, last_modified)"
                + " VALUES (?, ?, ?, ?)", config.functionName(), config.qualifier(), config.requested(),
                config.lastModified().toString());
    }

    @Override
    public void deleteProvisionedConcurrency(String functionName, String qualifier) {
        update("DELETE FROM provisioned_concurrency WHERE function_name = ? AND qualifier = ?", functionName, qualifier);
    }

    @Override
    public Optional<CodeSigningConfig> codeSigningConfig(String id) {
        return queryOne("SELECT " + CSC_COLUMNS + " FROM code_signing_config WHERE id = ?",
                SqliteStoreTransaction::codeSigningConfig, id);
    }

    @Override
    public List<CodeSigningConfig> codeSigningConfigs(Optional<String> afterId, int limit) {
        return query("SELECT " + CSC_COLUMNS + " FROM code_signing_config WHERE id > ? ORDER BY id LIMIT ?",
                SqliteStoreTransaction::codeSigningConfig, afterId.orElse(""), limit);
    }

    @Override
    public void putCodeSigningConfig(CodeSigningConfig c) {
        update("INSERT INTO code_signing_config (" + CSC_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET description = excluded.description,"
                + " signing_profile_version_arns = excluded.signing_profile_version_arns,"
                + " untrusted_artifact_on_deployment = excluded.untrusted_artifact_on_deployment,"
                + " tags = excluded.tags, last_modified = excluded.last_modified",
                c.id(), c.description(), toJson(c.signingProfileVersionArns()), c.untrustedArtifactOnDeployment(),
                toJson(c.tags()), c.lastModified().toString());
    }

    @Override
    public void deleteCodeSigningConfig(String id) {
        if (!functionsByCodeSigningConfig(id, Optional.empty(), 1).isEmpty()) {
            throw new IllegalStateException("code signing configuration " + id + " is in use");
        }
        update("DELETE FROM code_signing_config WHERE id = ?", id);
    }

    @Override
    public Optional<String> functionCodeSigningConfig(String functionName) {
        return queryOne("SELECT config_id FROM function_code_signing_config WHERE function_name = ?",
                rs -> rs.getString(1), functionName);
    }

    @Override
    public void putFunctionCodeSigningConfig(String functionName, String configId) {
        if (function(functionName).isEmpty()) {
            throw new IllegalStateException("no function " + functionName);
        }
        if (codeSigningConfig(configId).isEmpty()) {
            throw new IllegalStateException("no code signing configuration " + configId);
        }
        update("INSERT OR REPLACE INTO function_code_signing_config (function_name, config_id) VALUES (?, ?)",
                functionName, configId);
    }

    @Override
    public void deleteFunctionCodeSigningConfig(String functionName) {
        update("DELETE FROM function_code_signing_config WHERE function_name = ?", functionName);
    }

    @Override
    public List<String> functionsByCodeSigningConfig(String configId, Optional<String> afterName, int limit) {
        return query("SELECT function_name FROM function_code_signing_config WHERE config_id = ? AND function_name > ?"
                + " ORDER BY function_name LIMIT ?", rs -> rs.getString(1), configId, afterName.orElse(""), limit);
    }

    private static CodeSigningConfig codeSigningConfig(ResultSet rs) throws SQLException {
        return new CodeSigningConfig(rs.getString(1), rs.getString(2), fromJson(rs.getString(3), STRING_LIST),
                rs.getString(4), fromJson(rs.getString(5), STRING_MAP), Instant.parse(rs.getString(6)));
    }

    @Override
    public Optional<FunctionPolicy> policy(String functionName, String qualifier) {
        return queryOne("SELECT function_name, qualifier, document FROM function_policy WHERE function_name = ? AND qualifier = ?",
                rs -> new FunctionPolicy(rs.getString(1), rs.getString(2), rs.getString(3)), functionName, qualifier);
    }

    @Override
    public void putPolicy(FunctionPolicy policy) {
        if (function(policy.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + policy.functionName());
        }
        update("INSERT OR REPLACE INTO function_policy (function_name, qualifier, document) VALUES (?, ?, ?)",
                policy.functionName(), policy.qualifier(), policy.document());
    }

    @Override
    public void deletePolicy(String functionName, String qualifier) {
        update("DELETE FROM function_policy WHERE function_name = ? AND qualifier = ?", functionName, qualifier);
    }

    private static final String URL_COLUMNS =
            "function_name, qualifier, url_id, auth_type, cors, invoke_mode, creation_time, last_modified_time";

    @Override
    public Optional<FunctionUrlConfig> functionUrlConfig(String functionName, String qualifier) {
        return queryOne("SELECT " + URL_COLUMNS + " FROM function_url WHERE function_name = ? AND qualifier = ?",
                SqliteStoreTransaction::functionUrl, functionName, qualifier);
    }

    @Override
    public List<FunctionUrlConfig> functionUrlConfigs(String functionName) {
        return query("SELECT " + URL_COLUMNS + " FROM function_url WHERE function_name = ? ORDER BY qualifier",
                SqliteStoreTransaction::functionUrl, functionName);
    }

    @Override
    public List<FunctionUrlConfig> allFunctionUrlConfigs() {
        return query("SELECT " + URL_COLUMNS + " FROM function_url ORDER BY function_name, qualifier",
                SqliteStoreTransaction::functionUrl);
    }

    @Override
    public void putFunctionUrlConfig(FunctionUrlConfig c) {
        if (function(c.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + c.functionName());
        }
        update("INSERT OR REPLACE INTO function_url (" + URL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", c.functionName(),
                c.qualifier(), c.urlId(), c.authType(), c.cors(), c.invokeMode(), c.creationTime().toString(),
                c.lastModifiedTime().toString());
    }

    @Override
    public void deleteFunctionUrlConfig(String functionName, String qualifier) {
        update("DELETE FROM function_url WHERE function_name = ? AND qualifier = ?", functionName, qualifier);
    }

    private static FunctionUrlConfig functionUrl(ResultSet rs) throws SQLException {
        return new FunctionUrlConfig(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), Instant.parse(rs.getString(7)), Instant.parse(rs.getString(8)));
    }

    private static ProvisionedConcurrency provisioned(ResultSet rs) throws SQLException {
        return new ProvisionedConcurrency(rs.getString(1), rs.getString(2), rs.getInt(3), Instant.parse(rs.getString(4)));
    }

    @Override
    public long nextLayerVersion(String layerName) {
        update("INSERT INTO layer (name, latest_version) VALUES (?, 1)"
                + " ON CONFLICT (name) DO UPDATE SET latest_version = latest_version + 1", layerName);
        return queryOne("SELECT latest_version FROM layer WHERE name = ?", rs -> rs.getLong(1), layerName).orElseThrow();
    }

    @Override
    public void insertLayerVersion(LayerVersion v) {
        update("INSERT INTO layer_version (" + LAYER_VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                v.layerName(), v.version(), v.description(), v.createdDate().toString(), nullableJson(v.compatibleRuntimes()),
                nullableJson(v.compatibleArchitectures()), v.licenseInfo(), v.code().sha256(), v.code().size(),
                v.policyRevisionId());
    }

    @Override
    public Optional<LayerVersion> layerVersion(String layerName, long version) {
        return queryOne("SELECT " + LAYER_VERSION_COLUMNS + " FROM layer_version WHERE layer_name = ? AND version = ?",
                SqliteStoreTransaction::layerVersion, layerName, version);
    }

    @Override
    public List<LayerVersion> layerVersions(String layerName) {
        return query("SELECT " + LAYER_VERSION_COLUMNS + " FROM layer_version WHERE layer_name = ? ORDER BY version DESC",
                SqliteStoreTransaction::layerVersion, layerName);
    }

    @Override
    public List<String> layerNames() {
        return query("SELECT DISTINCT layer_name FROM layer_version ORDER BY layer_name", rs -> rs.getString(1));
    }

    @Override
    public void deleteLayerVersion(String layerName, long version) {
        update("DELETE FROM layer_version WHERE layer_name = ? AND version = ?", layerName, version);
    }

    @Override
    public List<LayerPermission> layerPermissions(String layerName, long version) {
        return query("SELECT layer_name, version, statement_id, action, principal, organization_id FROM layer_version_permission"
                + " WHERE layer_name = ? AND version = ? ORDER BY position",
                rs -> new LayerPermission(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)), layerName, version);
    }

    @Override
    public void insertLayerPermission(LayerPermission p, String policyRevisionId) {
        setLayerPolicyRevision(p.layerName(), p.version(), policyRevisionId);
        update("INSERT INTO layer_version_permission (layer_name, version, statement_id, action, principal, organization_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)", p.layerName(), p.version(), p.statementId(), p.action(), p.principal(),
                p.organizationId());
    }

    @Override
    public void deleteLayerPermission(String layerName, long version, String statementId, String policyRevisionId) {
        setLayerPolicyRevision(layerName, version, policyRevisionId);
        update("DELETE FROM layer_version_permission WHERE layer_name = ? AND version = ? AND statement_id = ?",
                layerName, version, statementId);
    }

    private void setLayerPolicyRevision(String layerName, long version, String revisionId) {
        if (update("UPDATE layer_version SET policy_revision_id = ? WHERE layer_name = ? AND version = ?",
                revisionId, layerName, version) == 0) {
            throw new IllegalStateException("no layer version " + layerName + ":" + version);
        }
    }

    private static LayerVersion layerVersion(ResultSet rs) throws SQLException {
        return new LayerVersion(rs.getString(1), rs.getLong(2), rs.getString(3), Instant.parse(rs.getString(4)),
                nullableList(rs.getString(5)), nullableList(rs.getString(6)), rs.getString(7),
                new CodeRef(rs.getString(8), rs.getLong(9)), rs.getString(10));
    }

    /** {@code versions} with their layers, read from their rows. */
    private List<FunctionVersion> withStoredLayers(List<FunctionVersion> versions) {
        List<FunctionVersion> complete = new ArrayList<>(versions.size());
        for (FunctionVersion v : versions) {
            List<FunctionLayer> layers = query("SELECT layer_arn, code_sha256, code_size FROM function_version_layer"
                    + " WHERE function_name = ? AND version = ? ORDER BY position",
                    rs -> new FunctionLayer(rs.getString(1), new CodeRef(rs.getString(2), rs.getLong(3))),
                    v.functionName(), v.version());
            complete.add(layers.isEmpty() ? v
                    : v.with(v.configuration().withLayers(layers), v.code(), v.lastModified(), v.revisionId()));
        }
        return complete;
    }

    private static String nullableJson(List<String> values) {
        return values == null ? null : toJson(values);
    }

    private static List<String> nullableList(String json) {
        return json == null ? null : fromJson(json, STRING_LIST);
    }

    private static FunctionVersion version(ResultSet rs) throws SQLException {
        return new FunctionVersion(rs.getString(1), rs.getString(2),
                fromJson(rs.getString(3), new TypeReference<FunctionConfiguration>() {}),
                new CodeRef(rs.getString(4), rs.getLong(5)), Instant.parse(rs.getString(6)), rs.getString(7));
    }

    private static Alias alias(ResultSet rs) throws SQLException {
        return new Alias(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                fromJson(rs.getString(5), WEIGHTS), rs.getString(6));
    }

    private static void requireFunction(int changedRows, String name) {
        if (changedRows == 0) {
            throw new IllegalStateException("no function " + name);
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("function store query failed: " + e.getMessage(), e);
        }
    }

    private <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("function store update failed: " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
        return statement;
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T fromJson(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt JSON in the function store: " + e.getMessage(), e);
        }
    }
}
