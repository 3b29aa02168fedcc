/**
 * The function store SPI: durable metadata of functions, their versions, aliases and tags (Lambda's
 * control-plane database). Implementations: SQLite (embedded), PostgreSQL (cluster mode, later).
 * Every implementation runs {@code FunctionStoreContract} from this module's test-jar.
 *
 * <p>The store holds facts, not rules: Lambda's validation and semantics live in the control plane,
 * which reads and writes through one {@link dev.hearth.store.spi.StoreTransaction} per operation.
 */
package dev.hearth.store.spi;
