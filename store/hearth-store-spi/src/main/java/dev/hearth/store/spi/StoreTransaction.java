package dev.hearth.store.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads and writes inside one {@link FunctionStore#transact} call. Valid only during that call, on the
 * thread that runs it. Methods that name a function which does not exist throw
 * {@link IllegalStateException}: the control plane checks existence first.
 */
public interface StoreTransaction {

    // --- functions ---

    Optional<FunctionRecord> function(String functionName);

    /** Inserts a new function with its {@code $LATEST} version. The name must be unused. */
    void insertFunction(FunctionRecord function, FunctionVersion latest);

    /** Replaces a function's record (tags, version counter). */
    void updateFunction(FunctionRecord function);

    /** Deletes a function with all its versions, aliases and tags. */
    void deleteFunction(String functionName);

    /** {@code $LATEST} of each function, ordered by function name, starting after {@code afterName}. */
    List<FunctionVersion> latestVersions(Optional<String> afterName, int limit);

    /** Number of functions and total code size of all function and layer versions (for GetAccountSettings). */
    AccountUsage accountUsage();

    // --- versions ---

    Optional<FunctionVersion> version(String functionName, String version);

    /** All versions of a function: {@code $LATEST} first, then published ones in ascending number. */
    List<FunctionVersion> versions(String functionName);

    /** Inserts or replaces one version of an existing function. */
    void putVersion(FunctionVersion version);

    void deleteVersion(String functionName, String version);

    /**
     * CodeSha256 of every stored function version, of every layer version, and of every layer a
     * function version uses (packages not in this set may be garbage-collected).
     */
    Set<String> referencedCode();

    // --- aliases ---

    Optional<Alias> alias(String functionName, String aliasName);

    /** Aliases of a function ordered by name. */
    List<Alias> aliases(String functionName);

    void putAlias(Alias alias);

    void deleteAlias(String functionName, String aliasName);

    // --- concurrency ---

    /** The function's reserved concurrency (PutFunctionConcurrency), when one is set. */
    OptionalInt reservedConcurrency(String functionName);

    /** Sets (or replaces) the reserved concurrency of an existing function; it goes with the function. */
    void putReservedConcurrency(String functionName, int reservedConcurrentExecutions);

    /** Removes a function's reserved concurrency; does nothing when none is set. */
    void deleteReservedConcurrency(String functionName);

    /** Every reserved concurrency, by function name. */
    Map<String, Integer> reservedConcurrencies();

    /** The provisioned concurrency configured on a function's version or alias, if any. */
    Optional<ProvisionedConcurrency> provisionedConcurrency(String functionName, String qualifier);

    /** Every provisioned concurrency configuration of a function, by qualifier. */
    List<ProvisionedConcurrency> provisionedConcurrencies(String functionName);

    /** Every provisioned concurrency configuration of every function. */
    List<ProvisionedConcurrency> allProvisionedConcurrencies();

    /** Sets (or replaces) a configuration of an existing function; it goes with the function. */
    void putProvisionedConcurrency(ProvisionedConcurrency config);

    /** Removes a configuration; does nothing when there is none. */
    void deleteProvisionedConcurrency(String functionName, String qualifier);

    // --- code signing ---

    Optional<CodeSigningConfig> codeSigningConfig(String id);

    /** Code signing configurations ordered by id, starting after {@code afterId}. */
    List<CodeSigningConfig> codeSigningConfigs(Optional<String> afterId, int limit);

    /** Inserts or replaces a code signing configuration. */
    void putCodeSigningConfig(CodeSigningConfig config);

    /**
     * Deletes a code signing configuration; does nothing when there is none.
     *
     * @throws IllegalStateException while a function uses it: the control plane checks first
     */
    void deleteCodeSigningConfig(String id);

    /** The id of the code signing configuration a function uses, if any. */
    Optional<String> functionCodeSigningConfig(String functionName);

    /**
     * Makes an existing function use an existing code signing configuration, replacing the one it
     * used; the association goes with the function.
     */
    void putFunctionCodeSigningConfig(String functionName, String configId);

    /** Removes a function's code signing configuration; does nothing when it has none. */
    void deleteFunctionCodeSigningConfig(String functionName);

    /** Names of the functions using a code signing configuration, ordered by name, starting after {@code afterName}. */
    List<String> functionsByCodeSigningConfig(String configId, Optional<String> afterName, int limit);

    // --- resource-based policies ---

    /**
     * The policy of a function ({@code qualifier} {@code $LATEST}), a version or an alias, when one is
     * stored.
     */
    Optional<FunctionPolicy> policy(String functionName, String qualifier);

    /**
     * Sets (or replaces) a policy of an existing function; it goes with the function, and with the
     * version or alias its qualifier names ({@link #deleteVersion}, {@link #deleteAlias}).
     */
    void putPolicy(FunctionPolicy policy);

    /** Removes a policy; does nothing when there is none. */
    void deletePolicy(String functionName, String qualifier);

    // --- function URLs ---

    /** The function URL of a function ({@code qualifier} {@code $LATEST}) or of an alias, when one is stored. */
    Optional<FunctionUrlConfig> functionUrlConfig(String functionName, String qualifier);

    /** The function URLs of a function, ordered by qualifier. */
    List<FunctionUrlConfig> functionUrlConfigs(String functionName);

    /** Every function URL of the store (to index them by URL id). */
    List<FunctionUrlConfig> allFunctionUrlConfigs();

    /**
     * Sets (or replaces) the URL of an existing function and qualifier; it goes with the function, and
     * with the alias its qualifier names ({@link #deleteAlias}). Its URL id must be unused by any other.
     */
    void putFunctionUrlConfig(FunctionUrlConfig config);

    /** Removes a function URL; does nothing when there is none. */
    void deleteFunctionUrlConfig(String functionName, String qualifier);

    // --- layers ---

    /**
     * Reserves the next version number of a layer: 1 for a name never published, else one more than
     * the highest ever reserved, so that a number is never handed out twice, even after deletions.
     */
    long nextLayerVersion(String layerName);

    /** Inserts a published layer version; its number must come from {@link #nextLayerVersion}. */
    void insertLayerVersion(LayerVersion version);

    Optional<LayerVersion> layerVersion(String layerName, long version);

    /** The versions of a layer that exist, newest first; empty for an unknown layer. */
    List<LayerVersion> layerVersions(String layerName);

    /** The names of the layers that have at least one version, in ascending order. */
    List<String> layerNames();

    /**
     * Deletes a layer version with its permissions; does nothing when there is none. Function versions
     * that use it keep their {@link FunctionLayer} (and {@link #referencedCode()} keeps its package).
     */
    void deleteLayerVersion(String layerName, long version);

    /** The statements of a layer version's permission policy, in the order they were added. */
    List<LayerPermission> layerPermissions(String layerName, long version);

    /**
     * Adds a statement to an existing layer version's policy (its id unused there) and sets the
     * policy's RevisionId to {@code policyRevisionId}.
     */
    void insertLayerPermission(LayerPermission permission, String policyRevisionId);

    /** Removes a statement of a layer version's policy and sets the policy's RevisionId to {@code policyRevisionId}. */
    void deleteLayerPermission(String layerName, long version, String statementId, String policyRevisionId);

    /** Tags are part of {@link FunctionRecord}; this reads them without the rest. */
    default Map<String, String> tags(String functionName) {
        return function(functionName).map(FunctionRecord::tags).orElseThrow(
                () -> new IllegalStateException("no function " + functionName));
    }
}
