/**
 * The internal queue of the embedded deployment, on SQLite: {@link dev.hearth.queue.sqlite.SqliteEventQueue}.
 *
 * <p>One database file in WAL mode, its schema kept by Flyway migrations
 * ({@code dev/hearth/queue/sqlite/migration}). Every change goes through one writer thread that
 * commits the changes of all callers waiting at that moment in one transaction (group commit), so
 * many concurrent enqueues share one disk sync; reads use their own connection and never wait for
 * the writer.
 */
package dev.hearth.queue.sqlite;
