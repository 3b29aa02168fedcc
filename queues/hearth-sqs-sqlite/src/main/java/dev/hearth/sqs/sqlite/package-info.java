/**
 * The SQLite engine of Hearth's SQS-compatible queues ({@link dev.hearth.sqs.sqlite.SqliteMessageQueues}):
 * one database file per account and region, WAL journal, {@code synchronous=FULL} so that an
 * acknowledged send survives a crash of the process or the machine.
 */
package dev.hearth.sqs.sqlite;
