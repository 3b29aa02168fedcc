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

    @Test
    void codeSigningConfigsAreStoredListedByIdUpdatedAndDeleted() throws Exception {
        CodeSigningConfig b = codeSigningConfig("csc-bbbbbbbbbbbbbbbbb", "Enforce");
        CodeSigningConfig a = codeSigningConfig("csc-aaaaaaaaaaaaaaaaa", "Warn");
        store.transact(tx -> {
            tx.putCodeSigningConfig(b);
            tx.putCodeSigningConfig(a);
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.codeSigningConfig(a.id())).contains(a);
            assertThat(tx.codeSigningConfig("csc-ccccccccccccccccc")).isEmpty();
            assertThat(tx.codeSigningConfigs(Optional.empty(), 10)).containsExactly(a, b);
            assertThat(tx.codeSigningConfigs(Optional.empty(), 1)).containsExactly(a);
            assertThat(tx.codeSigningConfigs(Optional.of(a.id()), 10)).containsExactly(b);
            return null;
        });
        CodeSigningConfig updated = new CodeSigningConfig(a.id(), "changed", List.of("arn:aws:signer:us-east-1:123456789012:/signing-profiles/q/0123456789"),
                "Enforce", a.tags(), T0.plusSeconds(60));
        store.transact(tx -> {
            tx.putCodeSigningConfig(updated);
            tx.deleteCodeSigningConfig(b.id());
            tx.deleteCodeSigningConfig("csc-ccccccccccccccccc");
            return null;
        });
        List<CodeSigningConfig> remaining = store.transact(tx -> tx.codeSigningConfigs(Optional.empty(), 10));
        assertThat(remaining).containsExactly(updated);
    }

    @Test
    void aFunctionsCodeSigningConfigIsSetReplacedListedAndGoesWithTheFunction() throws Exception {
        CodeSigningConfig a = codeSigningConfig("csc-aaaaaaaaaaaaaaaaa", "Warn");
        CodeSigningConfig b = codeSigningConfig("csc-bbbbbbbbbbbbbbbbb", "Enforce");
        insert("alpha");
        insert("beta");
        insert("gamma");
        store.transact(tx -> {
            tx.putCodeSigningConfig(a);
            tx.putCodeSigningConfig(b);
            tx.putFunctionCodeSigningConfig("gamma", a.id());
            tx.putFunctionCodeSigningConfig("alpha", a.id());
            tx.putFunctionCodeSigningConfig("beta", a.id());
            tx.putFunctionCodeSigningConfig("beta", b.id());
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.functionCodeSigningConfig("alpha")).contains(a.id());
            assertThat(tx.functionCodeSigningConfig("beta")).contains(b.id());
            assertThat(tx.functionsByCodeSigningConfig(a.id(), Optional.empty(), 10)).containsExactly("alpha", "gamma");
            assertThat(tx.functionsByCodeSigningConfig(a.id(), Optional.empty(), 1)).containsExactly("alpha");
            assertThat(tx.functionsByCodeSigningConfig(a.id(), Optional.of("alpha"), 10)).containsExactly("gamma");
            tx.deleteFunctionCodeSigningConfig("gamma");
            tx.deleteFunctionCodeSigningConfig("gamma");
            tx.deleteFunction("alpha");
            return null;
        });
        insert("alpha");
        store.transact(tx -> {
            assertThat(tx.functionCodeSigningConfig("alpha")).isEmpty();
            assertThat(tx.functionCodeSigningConfig("gamma")).isEmpty();
            assertThat(tx.functionsByCodeSigningConfig(a.id(), Optional.empty(), 10)).isEmpty();
            tx.deleteCodeSigningConfig(a.id());
            return null;
        });
        Optional<CodeSigningConfig> deleted = store.transact(tx -> tx.codeSigningConfig(a.id()));
        assertThat(deleted).isEmpty();
    }

    @Test
    void aCodeSigningConfigInUseIsNotDeletedAndAssociationsNeedBothEnds() {
        CodeSigningConfig a = codeSigningConfig("csc-aaaaaaaaaaaaaaaaa", "Enforce");
        insert("alpha");
        store.transact(tx -> {
            tx.putCodeSigningConfig(a);
            tx.putFunctionCodeSigningConfig("alpha", a.id());
            return null;
        });
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.deleteCodeSigningConfig(a.id());
            return null;
        })).isInstanceOf(IllegalStateException.class);
        Optional<CodeSigningConfig> stillThere = store.transact(tx -> tx.codeSigningConfig(a.id()));
        assertThat(stillThere).contains(a);
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putFunctionCodeSigningConfig("nobody", a.id());
            return null;
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putFunctionCodeSigningConfig("alpha", "csc-00000000000000000");
            return null;
        })).isInstanceOf(IllegalStateException.class);
        Optional<String> kept = store.transact(tx -> tx.functionCodeSigningConfig("alpha"));
        assertThat(kept).contains(a.id());
    }

    private static CodeSigningConfig codeSigningConfig(String id, String policy) {
        return new CodeSigningConfig(id, "d-" + id, List.of("arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abcdef0123",
                "arn:aws:signer:us-east-1:123456789012:/signing-profiles/o/0123456789"), policy, Map.of("team", "core"), T0);
    }

    @Test
    void policiesAreKeptPerQualifierReplacedAndGoWithTheirFunctionVersionOrAlias() throws Exception {
        insert("alpha");
        insert("beta");
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putAlias(alias("alpha", "live", "1"));
            assertThat(tx.policy("alpha", FunctionVersion.LATEST)).isEmpty();
            tx.putPolicy(new FunctionPolicy("alpha", FunctionVersion.LATEST, "{\"Statement\":[1]}"));
            tx.putPolicy(new FunctionPolicy("alpha", "1", "{\"Statement\":[2]}"));
            tx.putPolicy(new FunctionPolicy("alpha", "live", "{\"Statement\":[3]}"));
            tx.putPolicy(new FunctionPolicy("beta", FunctionVersion.LATEST, "{\"Statement\":[4]}"));
            return null;
        });
        store.transact(tx -> {
            tx.putPolicy(new FunctionPolicy("alpha", FunctionVersion.LATEST, "{\"Statement\":[1, 5]}"));
            // replacing an alias keeps its policy: only deleting it removes the policy
            tx.putAlias(alias("alpha", "live", "1"));
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.policy("alpha", FunctionVersion.LATEST).orElseThrow().document()).isEqualTo("{\"Statement\":[1, 5]}");
            assertThat(tx.policy("alpha", "1").orElseThrow().document()).isEqualTo("{\"Statement\":[2]}");
            assertThat(tx.policy("alpha", "live")).contains(new FunctionPolicy("alpha", "live", "{\"Statement\":[3]}"));
            tx.deleteAlias("alpha", "live");
            tx.deleteVersion("alpha", "1");
            tx.deletePolicy("beta", FunctionVersion.LATEST);
            tx.deletePolicy("beta", FunctionVersion.LATEST);
            return null;
        });
        store.transact(tx -> {
            assertThat(tx.policy("alpha", "live")).isEmpty();
            assertThat(tx.policy("alpha", "1")).isEmpty();
            assertThat(tx.policy("beta", FunctionVersion.LATEST)).isEmpty();
            assertThat(tx.policy("alpha", FunctionVersion.LATEST)).isPresent();
            tx.deleteFunction("alpha");
            return null;
        });
        insert("alpha");
        Optional<FunctionPolicy> ofNewFunction = store.transact(tx -> tx.policy("alpha", FunctionVersion.LATEST));
        assertThat(ofNewFunction).as("a new function of the name").isEmpty();
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putPolicy(new FunctionPolicy("missing", FunctionVersion.LATEST, "{}"));
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void functionUrlsAreKeptPerQualifierReplacedAndGoWithTheirFunctionOrAlias() throws Exception {
        insert("alpha");
        insert("beta");
        FunctionUrlConfig latest = new FunctionUrlConfig("alpha", FunctionVersion.LATEST, "a".repeat(32), "NONE", null,
                "BUFFERED", T0, T0);
        FunctionUrlConfig live = new FunctionUrlConfig("alpha", "live", "b".repeat(32), "AWS_IAM",
                "{\"AllowOrigins\":[\"*\"]}", "RESPONSE_STREAM", T0, T0.plusSeconds(1));
        FunctionUrlConfig ofBeta = new FunctionUrlConfig("beta", FunctionVersion.LATEST, "c".repeat(32), "NONE", null,
                "BUFFERED", T0, T0);
        store.transact(tx -> {
            tx.putVersion(published("alpha", 1, "sha-1"));
            tx.putAlias(alias("alpha", "live", "1"));
            assertThat(tx.functionUrlConfig("alpha", FunctionVersion.LATEST)).isEmpty();
            tx.putFunctionUrlConfig(latest);
            tx.putFunctionUrlConfig(live);
            tx.putFunctionUrlConfig(ofBeta);
            return null;
        });
        FunctionUrlConfig updated = new FunctionUrlConfig("alpha", FunctionVersion.LATEST, "a".repeat(32), "AWS_IAM", null,
                "BUFFERED", T0, T0.plusSeconds(5));
        store.transact(tx -> {
            tx.putFunctionUrlConfig(updated);
            // replacing an alias keeps its URL: only deleting it removes the URL
            tx.putAlias(alias("alpha", "live", "1"));
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.functionUrlConfig("alpha", FunctionVersion.LATEST)).contains(updated);
            assertThat(tx.functionUrlConfigs("alpha")).containsExactly(updated, live);
            assertThat(tx.allFunctionUrlConfigs()).containsExactly(updated, live, ofBeta);
            tx.deleteAlias("alpha", "live");
            tx.deleteFunctionUrlConfig("beta", FunctionVersion.LATEST);
            tx.deleteFunctionUrlConfig("beta", FunctionVersion.LATEST);
            return null;
        });
        store.transact(tx -> {
            assertThat(tx.functionUrlConfigs("alpha")).containsExactly(updated);
            assertThat(tx.functionUrlConfig("beta", FunctionVersion.LATEST)).isEmpty();
            tx.deleteFunction("alpha");
            return null;
        });
        insert("alpha");
        List<FunctionUrlConfig> afterDeletion = store.transact(StoreTransaction::allFunctionUrlConfigs);
        assertThat(afterDeletion).as("nothing of the deleted function").isEmpty();
        assertThatThrownBy(() -> store.transact(tx -> {
            tx.putFunctionUrlConfig(new FunctionUrlConfig("missing", FunctionVersion.LATEST, "d".repeat(32), "NONE", null,
                    "BUFFERED", T0, T0));
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void layerVersionsAreNumberedFromOneListedNewestFirstAndNeverRenumberedAfterDeletion() throws Exception {
        store.transact(tx -> {
            tx.insertLayerVersion(layerVersion("lib", tx.nextLayerVersion("lib"), "sha-l1", List.of("python3.12")));
            tx.insertLayerVersion(layerVersion("lib", tx.nextLayerVersion("lib"), "sha-l2", null));
            tx.insertLayerVersion(layerVersion("alib", tx.nextLayerVersion("alib"), "sha-a1", List.of()));
            return null;
        });
        store.transact(tx -> {
            assertThat(tx.layerVersions("lib")).extracting(LayerVersion::version).containsExactly(2L, 1L);
            assertThat(tx.layerVersion("lib", 1)).contains(layerVersion("lib", 1, "sha-l1", List.of("python3.12")));
            assertThat(tx.layerVersion("lib", 2).orElseThrow().compatibleRuntimes()).isNull();
            assertThat(tx.layerVersion("alib", 1).orElseThrow().compatibleRuntimes()).isEmpty();
            assertThat(tx.layerNames()).containsExactly("alib", "lib");
            assertThat(tx.layerVersions("unknown")).isEmpty();
            tx.deleteLayerVersion("lib", 1);
            tx.deleteLayerVersion("lib", 2);
            tx.deleteLayerVersion("lib", 7);
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.layerNames()).containsExactly("alib");
            assertThat(tx.layerVersion("lib", 1)).isEmpty();
            assertThat(tx.nextLayerVersion("lib")).isEqualTo(3);
            return null;
        });
    }

    @Test
    void layerPermissionsKeepTheirOrderMoveThePolicyRevisionAndGoWithTheirVersion() throws Exception {
        store.transact(tx -> {
            tx.insertLayerVersion(layerVersion("lib", tx.nextLayerVersion("lib"), "sha-l1", null));
            tx.insertLayerPermission(new LayerPermission("lib", 1, "s2", "lambda:GetLayerVersion", "*", null), "rev-a");
            tx.insertLayerPermission(new LayerPermission("lib", 1, "s1", "lambda:GetLayerVersion", "111111111111",
                    "o-abcdefghij"), "rev-b");
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.layerPermissions("lib", 1)).extracting(LayerPermission::statementId).containsExactly("s2", "s1");
            assertThat(tx.layerPermissions("lib", 1).get(1).organizationId()).isEqualTo("o-abcdefghij");
            assertThat(tx.layerVersion("lib", 1).orElseThrow().policyRevisionId()).isEqualTo("rev-b");
            tx.deleteLayerPermission("lib", 1, "s2", "rev-c");
            assertThat(tx.layerPermissions("lib", 1)).extracting(LayerPermission::statementId).containsExactly("s1");
            assertThat(tx.layerVersion("lib", 1).orElseThrow().policyRevisionId()).isEqualTo("rev-c");
            tx.deleteLayerVersion("lib", 1);
            assertThat(tx.layerPermissions("lib", 1)).isEmpty();
            return null;
        });
    }

    @Test
    void functionVersionsKeepTheirLayersInOrderAndTheirPackagesStayReferencedAfterTheLayerIsDeleted() throws Exception {
        insert("alpha");
        List<FunctionLayer> layers = List.of(new FunctionLayer("arn:aws:lambda:us-east-1:000000000000:layer:b:1",
                new CodeRef("sha-b1", 30)), new FunctionLayer("arn:aws:lambda:us-east-1:000000000000:layer:a:2",
                new CodeRef("sha-a2", 20)));
        store.transact(tx -> {
            tx.insertLayerVersion(layerVersion("b", tx.nextLayerVersion("b"), "sha-b1", null));
            FunctionVersion latest = tx.version("alpha", FunctionVersion.LATEST).orElseThrow();
            FunctionVersion withLayers = latest.with(latest.configuration().withLayers(layers), latest.code(), T0, "rev-layers");
            tx.putVersion(withLayers);
            tx.putVersion(new FunctionVersion("alpha", "1", withLayers.configuration(), new CodeRef("sha-1", 100), T0, "rev-1"));
            return null;
        });
        store = reopen(store);
        store.transact(tx -> {
            assertThat(tx.version("alpha", FunctionVersion.LATEST).orElseThrow().configuration().layers()).isEqualTo(layers);
            assertThat(tx.versions("alpha")).allSatisfy(v -> assertThat(v.configuration().layers()).isEqualTo(layers));
            assertThat(tx.latestVersions(Optional.empty(), 10).getFirst().configuration().layers()).isEqualTo(layers);
            assertThat(tx.accountUsage().totalCodeSize()).isEqualTo(100 + 100 + 10);
            tx.deleteLayerVersion("b", 1);
            assertThat(tx.referencedCode()).contains("sha-b1", "sha-a2", "sha-alpha", "sha-1");
            FunctionVersion latest = tx.version("alpha", FunctionVersion.LATEST).orElseThrow();
            tx.putVersion(latest.with(latest.configuration().withLayers(List.of()), latest.code(), T0, "rev-none"));
            assertThat(tx.version("alpha", FunctionVersion.LATEST).orElseThrow().configuration().layers()).isEmpty();
            tx.deleteVersion("alpha", "1");
            assertThat(tx.referencedCode()).doesNotContain("sha-b1", "sha-a2");
            return null;
        });
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

    private static LayerVersion layerVersion(String name, long version, String sha, List<String> runtimes) {
        return new LayerVersion(name, version, "layer " + name, T0, runtimes, runtimes == null ? null : List.of("x86_64"),
                null, new CodeRef(sha, 10), "rev-" + name + version);
    }

    private static Alias alias(String function, String name, String version) {
        return new Alias(function, name, version, "", Map.of(), "rev-" + name);
    }
}
