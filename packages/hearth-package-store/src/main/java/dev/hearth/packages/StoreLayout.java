package dev.hearth.packages;

import java.nio.file.Path;

/**
 * Where a {@link PackageStore} keeps things under its root directory:
 *
 * <pre>
 * ROOT/store.lock                      held (file lock) while a store has the directory open
 * ROOT/packages/HEX/code.zip           the original zip (HEX: lower-case hex SHA-256 of the zip)
 * ROOT/packages/HEX/package.properties codeSize and unzippedSize
 * ROOT/packages/HEX/task/              the extracted, read-only tree (the function's task root)
 * ROOT/staging/                        packages being written; renamed into packages/ when complete
 * ROOT/trash/                          packages being deleted; renamed out of packages/ first
 * </pre>
 *
 * A package directory appears and disappears by one atomic rename, so {@code packages/} only ever
 * holds complete packages; {@code staging/} and {@code trash/} are emptied when a store is opened.
 */
record StoreLayout(Path root) {
    Path lockFile() {
        return root.resolve("store.lock");
    }

    Path packages() {
        return root.resolve("packages");
    }

    Path staging() {
        return root.resolve("staging");
    }

    Path trash() {
        return root.resolve("trash");
    }

    Path packageDirectory(PackageDigest digest) {
        return packages().resolve(digest.hex());
    }

    static Path zipFile(Path packageDirectory) {
        return packageDirectory.resolve("code.zip");
    }

    static Path metadataFile(Path packageDirectory) {
        return packageDirectory.resolve("package.properties");
    }

    static Path taskRoot(Path packageDirectory) {
        return packageDirectory.resolve("task");
    }
}
