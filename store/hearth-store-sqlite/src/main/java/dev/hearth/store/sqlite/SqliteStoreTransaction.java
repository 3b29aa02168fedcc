package dev.hearth.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.spi.AccountUsage;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionVersion;
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
        return query("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE version = '$LATEST' AND function_name > ?"
                + " ORDER BY function_name LIMIT ?", SqliteStoreTransaction::version, afterName.orElse(""), limit);
    }

    @Override
    public AccountUsage accountUsage() {
        return queryOne("SELECT (SELECT count(*) FROM function), (SELECT coalesce(sum(code_size), 0) FROM function_version)",
                rs -> new AccountUsage(rs.getLong(1), rs.getLong(2))).orElseThrow();
    }

    @Override
    public Optional<FunctionVersion> version(String functionName, String version) {
        return queryOne("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE function_name = ? AND version = ?",
                SqliteStoreTransaction::version, functionName, version);
    }

    @Override
    public List<FunctionVersion> versions(String functionName) {
        return query("SELECT " + VERSION_COLUMNS + " FROM function_version WHERE function_name = ? ORDER BY version_number",
                SqliteStoreTransaction::version, functionName);
    }

    @Override
    public void putVersion(FunctionVersion v) {
        if (function(v.functionName()).isEmpty()) {
            throw new IllegalStateException("no function " + v.functionName());
        }
        update("INSERT OR REPLACE INTO function_version (" + VERSION_COLUMNS + ", version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                v.functionName(), v.version(), toJson(v.configuration()), v.code().sha256(), v.code().size(),
                v.lastModified().toString(), v.revisionId(), v.number());
    }

    @Override
    public void deleteVersion(String functionName, String version) {
        update("DELETE FROM function_version WHERE function_name = ? AND version = ?", functionName, version);
    }

    @Override
    public Set<String> referencedCode() {
        return new HashSet<>(query("SELECT DISTINCT code_sha256 FROM function_version", rs -> rs.getString(1)));
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

    private static ProvisionedConcurrency provisioned(ResultSet rs) throws SQLException {
        return new ProvisionedConcurrency(rs.getString(1), rs.getString(2), rs.getInt(3), Instant.parse(rs.getString(4)));
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
