/**
 * Durable function logs, Hearth's CloudWatch Logs: the worker appends every line of a sandbox's output
 * and Lambda's platform lines (START/END/REPORT) to log streams of the group
 * {@code /aws/lambda/NAME} through {@link dev.hearth.logs.SqliteLogStore#append}; the lines are
 * buffered in memory, written in batches to SQLite by one writer thread, kept for a bounded age and
 * count, and read back through the subset of Amazon CloudWatch Logs' JSON API that
 * {@code aws logs tail|filter-log-events|get-log-events|describe-log-streams|describe-log-groups}
 * need ({@link dev.hearth.logs.CloudWatchLogsApi}).
 */
package dev.hearth.logs;
