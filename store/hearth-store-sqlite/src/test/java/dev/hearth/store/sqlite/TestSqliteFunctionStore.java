package dev.hearth.store.sqlite;

import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

final class TestSqliteFunctionStore extends FunctionStoreContract {
    private final Map<FunctionStore, Path> files = new IdentityHashMap<>();

    @Override
    protected FunctionStore openNewStore() throws Exception {
        Path file = Files.createTempDirectory("hearth-store").resolve("functions.db");
        return open(file);
    }

    @Override
    protected FunctionStore reopen(FunctionStore store) {
        Path file = files.remove(store);
        store.close();
        return open(file);
    }

    private FunctionStore open(Path file) {
        FunctionStore store = SqliteFunctionStore.open(file);
        files.put(store, file);
        return store;
    }
}
