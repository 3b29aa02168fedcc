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

    /** Number of functions and total code size of all versions (for GetAccountSettings). */
    AccountUsage accountUsage();

    // --- versions ---

    Optional<FunctionVersion> version(String functionName, String version);

    /** All versions of a function: {@code $LATEST} first, then published ones in ascending number. */
    List<FunctionVersion> versions(String functionName);

    /** Inserts or replaces one version of an existing function. */
    void putVersion(FunctionVersion version);

    void deleteVersion(String functionName, String version);

    /** CodeSha256 of every stored version (packages not in this set may be garbage-collected). */
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

    /** Tags are part of {@link FunctionRecord}; this reads them without the rest. */
    default Map<String, String> tags(String functionName) {
        return function(functionName).map(FunctionRecord::tags).orElseThrow(
                () -> new IllegalStateException("no function " + functionName));
    }
}
