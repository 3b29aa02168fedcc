package dev.hearth.store.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FunctionStore} implementation must honour. An implementation's test
 * extends this class and says how to open a store and how to reopen the same one.
 */
public abstract class FunctionStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    private FunctionStore store;

    /** Opens a new, empty store. Called once per test. */
    protected abstract FunctionStore openNewStore() throws Exception;

    /** Closes {@code store} and opens the same underlying storage again. */
    protected abstract FunctionStore reopen(FunctionStore store) throws Exception;

    @BeforeEach
    final void openStore() throws Exception {
        store = openNewStore();
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    @Test
    void insertedFunctionIsReadBackEqual() {
        FunctionRecord record = record("alpha", Map.of("team", "core"));
        FunctionVersion latest = latest("alpha", "sha-a");
        store.transact(tx -> {
            tx.insertFunction(record, latest);
            return null;
        });

        store.transact(tx -> {
            assertThat(tx.function("alpha")).contains(record);
            assertThat(tx.version("alpha", FunctionVersion.LATEST)).contains(latest);
            assertThat(tx.tags("alpha")).containsExactly(Map.entry("team", "core"));
            assertThat(tx.function("beta")).isEmpty();
            assertThat(tx.version("alpha", "1")).isEmpty();
            return null;
        });
    }

    @Test
    void insertingAnExistingNameFails() {
        insert("alpha");
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.insertFunction(record("alpha", Map.of()), latest("alpha", "other"));
            return null;
        })).isInstanceOf(IllegalStateException.class);
        assertThat(store.transact(tx -> tx.version("alpha", FunctionVersion.LATEST)).orElseThrow().code().sha256())
                .isEqualTo("sha-alpha");
    }

    @Test
    void failedWorkRollsBackEveryWrite() {
        insert("alpha");
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.updateFunction(tx.function("alpha").orElseThrow().withLastPublishedVersion(1));
            tx.insertFunction(record("beta", Map.of()), latest("beta", "sha-b"));
            throw new IllegalArgumentException("boom");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");

        store.transact(tx -> {
            assertThat(tx.version("alpha", "1")).isEmpty();
            assertThat(tx.function("alpha").orElseThrow().lastPublishedVersion()).isZero();
            assertThat(tx.function("beta")).isEmpty();
            return null;
        });
    }

    @Test
    void versionsAreListedLatestFirstThenNumerically() {
        insert("alpha");
        store.transact(tx -> {
            for (int v : new int[] {10, 2, 1}) {
                tx.putVersion(published("alpha", v, "sha-" + v));
            }
            return null;
        });
        List<String> versions = store.transact(tx -> tx.versions("alpha")).stream().map(FunctionVersion::version).toList();
        assertThat(versions).containsExactly("$LATEST", "1", "2", "10");
    }

    @Test
    void latestVersionsPageByName() {
        for (String name : List.of("delta", "alpha", "charlie", "bravo")) {
            insert(name);
        }
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            return null;
        });
        List<String> first = names(store.transact(tx -> tx.latestVersions(Optional.empty(), 3)));
        List<String> rest = names(store.transact(tx -> tx.latestVersions(Optional.of("charlie"), 3)));
        assertThat(first).containsExactly("alpha", "bravo", "charlie");
        assertThat(rest).containsExactly("delta");
        List<FunctionVersion> all = store.transact(tx -> tx.latestVersions(Optional.empty(), 10));
        assertThat(all).allMatch(FunctionVersion::isLatest);
    }

    @Test
    void putVersionReplacesLatest() {
        insert("alpha");
        FunctionVersion updated = latest("alpha", "sha-new").withRevision("rev-2");
        store.transact(tx -> {
            tx.putVersion(updated);
            return null;
        });
        Optional<FunctionVersion> read = store.transact(tx -> tx.version("alpha", FunctionVersion.LATEST));
        assertThat(read).contains(updated);
    }

    @Test
    void deletingAFunctionRemovesVersionsAliasesAndTags() {
        insert("alpha");
        insert("beta");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putAlias(alias("alpha", "live", "1"));
            tx.deleteFunction("alpha");
            return null;
        });
        store.transact(tx -> {
            assertThat(tx.function("alpha")).isEmpty();
            assertThat(tx.version("alpha", "1")).isEmpty();
            assertThat(tx.version("alpha", FunctionVersion.LATEST)).isEmpty();
            assertThat(tx.alias("alpha", "live")).isEmpty();
            assertThat(tx.function("beta")).isPresent();
            return null;
        });
        // a new function of the same name starts afresh
        insert("alpha");
        List<FunctionVersion> versions = store.transact(tx -> tx.versions("alpha"));
        List<Alias> aliases = store.transact(tx -> tx.aliases("alpha"));
        assertThat(versions).hasSize(1);
        assertThat(aliases).isEmpty();
    }

    @Test
    void deletingOneVersionKeepsTheOthers() {
        insert("alpha");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putVersion(published("alpha", 2, "sha-2"));
            tx.deleteVersion("alpha", "1");
            return null;
        });
        assertThat(store.transact(tx -> tx.versions("alpha")).size()).isEqualTo(2);
        Optional<FunctionVersion> two = store.transact(tx -> tx.version("alpha", "2"));
        assertThat(two).isPresent();
    }

    @Test
    void aliasesAreStoredListedByNameAndDeleted() {
        insert("alpha");
        Alias live = new Alias("alpha", "live", "1", "production", Map.of("2", 0.25), "rev-a");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putVersion(published("alpha", 2, "sha-2"));
            tx.putAlias(live);
            tx.putAlias(alias("alpha", "beta", "2"));
            return null;
        });
        Optional<Alias> readLive = store.transact(tx -> tx.alias("alpha", "live"));
        assertThat(readLive).contains(live);
        assertThat(store.transact(tx -> tx.aliases("alpha")).stream().map(Alias::name)).containsExactly("beta", "live");

        Alias moved = new Alias("alpha", "live", "2", "production", Map.of(), "rev-b");
        store.transact(tx -> {
            tx.putAlias(moved);
            tx.deleteAlias("alpha", "beta");
            return null;
        });
        List<Alias> after = store.transact(tx -> tx.aliases("alpha"));
        assertThat(after).containsExactly(moved);
    }

    @Test
    void tagsAreReplacedThroughTheFunctionRecord() {
        insert("alpha");
        store.transact(tx -> {
            tx.updateFunction(tx.function("alpha").orElseThrow().withTags(Map.of("a", "1", "b", "2")));
            return null;
        });
        Map<String, String> tags = store.transact(tx -> tx.tags("alpha"));
        assertThat(tags).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void referencedCodeAndUsageCoverAllVersions() {
        insert("alpha");
        insert("beta");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            return null;
        });
        java.util.Set<String> referenced = store.transact(StoreTransaction::referencedCode);
        assertThat(referenced).containsExactlyInAnyOrder("sha-alpha", "sha-beta", "sha-1");
        AccountUsage usage = store.transact(StoreTransaction::accountUsage);
        assertThat(usage.functionCount()).isEqualTo(2);
        assertThat(usage.totalCodeSize()).isEqualTo(3 * 100);
    }

    @Test
    void everythingSurvivesReopening() throws Exception {
        insert("alpha");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putAlias(alias("alpha", "live", "1"));
            tx.updateFunction(tx.function("alpha").orElseThrow().withLastPublishedVersion(1).withTags(Map.of("k", "v")));
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.function("alpha").orElseThrow().lastPublishedVersion()).isEqualTo(1);
            assertThat(tx.tags("alpha")).containsEntry("k", "v");
            assertThat(tx.version("alpha", "1").orElseThrow().code().sha256()).isEqualTo("sha-1");
            assertThat(tx.alias("alpha", "live")).isPresent();
            return null;
        });
    }

    @Test
    void concurrentReadModifyWriteTransactionsLoseNoUpdate() throws Exception {
        insert("alpha");
        int threads = 8;
        int perThread = 25;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.transact(tx -> {
                            FunctionRecord f = tx.function("alpha").orElseThrow();
                            tx.updateFunction(f.withLastPublishedVersion(f.lastPublishedVersion() + 1));
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(store.transact(tx -> tx.function("alpha")).orElseThrow().lastPublishedVersion())
                .isEqualTo(threads * perThread);
    }

    @Test
    void reservedConcurrencyIsSetReplacedAndRemoved() {
        insert("alpha");
        insert("beta");
        store.transact(tx -> {
            assertThat(tx.reservedConcurrency("alpha")).isEmpty();
            tx.putReservedConcurrency("alpha", 5);
            tx.putReservedConcurrency("beta", 0);
            return null;
        });
        OptionalInt alpha = store.transact(tx -> tx.reservedConcurrency("alpha"));
        assertThat(alpha).hasValue(5);
        assertThat(store.transact(StoreTransaction::reservedConcurrencies)).containsOnly(Map.entry("alpha", 5), Map.entry("beta", 0));
        store.transact(tx -> {
            tx.putReservedConcurrency("alpha", 7);
            tx.deleteReservedConcurrency("beta");
            tx.deleteReservedConcurrency("beta");
            return null;
        });
        assertThat(store.transact(StoreTransaction::reservedConcurrencies)).containsOnly(Map.entry("alpha", 7));
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putReservedConcurrency("missing", 1);
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void provisionedConcurrencyIsSetPerQualifierReplacedListedAndGoesWithItsFunction() {
        insert("alpha");
        insert("beta");
        java.time.Instant t1 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        store.transact(tx -> {
            assertThat(tx.provisionedConcurrency("alpha", "1")).isEmpty();
            tx.putProvisionedConcurrency(new ProvisionedConcurrency("alpha", "1", 2, t1));
            tx.putProvisionedConcurrency(new ProvisionedConcurrency("alpha", "live", 3, t1));
            tx.putProvisionedConcurrency(new ProvisionedConcurrency("beta", "4", 1, t1));
            return null;
        });
        store.transact(tx -> {
            tx.putProvisionedConcurrency(new ProvisionedConcurrency("alpha", "1", 5, t1.plusSeconds(1)));
            return null;
        });
        Optional<ProvisionedConcurrency> one = store.transact(tx -> tx.provisionedConcurrency("alpha", "1"));
        assertThat(one).contains(new ProvisionedConcurrency("alpha", "1", 5, t1.plusSeconds(1)));
        List<ProvisionedConcurrency> ofAlpha = store.transact(tx -> tx.provisionedConcurrencies("alpha"));
        assertThat(ofAlpha).extracting(ProvisionedConcurrency::qualifier).containsExactly("1", "live");
        assertThat(store.transact(StoreTransaction::allProvisionedConcurrencies)).hasSize(3);

        store.transact(tx -> {
            tx.deleteProvisionedConcurrency("alpha", "live");
            tx.deleteProvisionedConcurrency("alpha", "live");
            tx.deleteFunction("beta");
            return null;
        });
        assertThat(store.transact(StoreTransaction::allProvisionedConcurrencies))
                .containsExactly(new ProvisionedConcurrency("alpha", "1", 5, t1.plusSeconds(1)));
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putProvisionedConcurrency(new ProvisionedConcurrency("missing", "1", 1, t1));
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reservedConcurrencySurvivesReopeningAndGoesWithItsFunction() throws Exception {
        insert("alpha");
        store.transact(tx -> {
            tx.putReservedConcurrency("alpha", 3);
            return null;
        });
        store = reopen(store);
        OptionalInt reopened = store.transact(tx -> tx.reservedConcurrency("alpha"));
        assertThat(reopened).hasValue(3);
        store.transact(tx -> {
            tx.deleteFunction("alpha");
            return null;
        });
        insert("alpha");
        OptionalInt recreated = store.transact(tx -> tx.reservedConcurrency("alpha"));
        assertThat(recreated).isEmpty();
        assertThat(store.transact(StoreTransaction::reservedConcurrencies)).isEmpty();
    }

    private void insert(String name) {
        store.transact(tx -> {
            tx.insertFunction(record(name, Map.of()), latest(name, "sha-" + name));
            return null;
        });
    }

    private static List<String> names(List<FunctionVersion> versions) {
        return versions.stream().map(FunctionVersion::functionName).toList();
    }

    private static FunctionRecord record(String name, Map<String, String> tags) {
        return new FunctionRecord(name, T0, 0, tags);
    }

    private static FunctionConfiguration configuration() {
        return new FunctionConfiguration("python3.12", "app.handler", "arn:aws:iam::000000000000:role/r", "d",
                128, 3, 512, Map.of("K", "V"), List.of("x86_64"), "None", "Active");
    }

    private static FunctionVersion latest(String name, String sha) {
        return new FunctionVersion(name, FunctionVersion.LATEST, configuration(), new CodeRef(sha, 100), T0, "rev-" + sha);
    }

    private static FunctionVersion published(String name, int number, String sha) {
        return new FunctionVersion(name, Integer.toString(number), configuration(), new CodeRef(sha, 100),
                T0.plus(number, ChronoUnit.MINUTES), "rev-" + sha);
    }

    private static Alias alias(String function, String name, String version) {
        return new Alias(function, name, version, "", Map.of(), "rev-" + name);
    }
}
