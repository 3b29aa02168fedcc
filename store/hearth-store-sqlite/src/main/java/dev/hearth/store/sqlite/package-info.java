/** The embedded function store: one SQLite database in WAL mode, schema managed by Flyway. */
package dev.hearth.store.sqlite;
