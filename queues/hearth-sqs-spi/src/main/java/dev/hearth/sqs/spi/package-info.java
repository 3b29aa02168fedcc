/**
 * The engine behind Hearth's SQS-compatible queues: named queues of one (account, region) with SQS's
 * semantics — visibility timeouts, delays, retention, dead-letter redrive, FIFO message groups and
 * deduplication — independent of SQS's wire protocols (the API module translates) and of the
 * database behind it (SQLite in the embedded deployment, PostgreSQL later in cluster mode).
 *
 * <p>The central type is {@link dev.hearth.sqs.spi.MessageQueues}. Delivery is at least once: a
 * received message is invisible for its visibility timeout, and one not deleted in time is delivered
 * again. Other Hearth components (event source mappings, destinations, schedules) use this SPI
 * directly, in process, without going through HTTP.
 *
 * <p>This package depends on the JDK only. Every implementation runs the contract test shipped in
 * this module's test-jar ({@code MessageQueuesContract}).
 */
package dev.hearth.sqs.spi;
