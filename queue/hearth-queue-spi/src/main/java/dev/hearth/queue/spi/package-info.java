/**
 * The internal queue SPI: where the invoke frontend puts accepted asynchronous ({@code Event})
 * invocations and where pollers take them from to run them on the synchronous invoke path, retry
 * them, or give up on them (dead letters).
 *
 * <p>The central type is {@link dev.hearth.queue.spi.EventQueue}. Delivery is at least once: an event
 * is leased for a while, and a lease that is neither completed, released nor extended in time expires
 * and makes the event visible again, so a crashed poller's events are redelivered. Lease tokens keep
 * a poller whose lease expired from completing or releasing an event another poller now holds.
 *
 * <p>This package depends on the JDK only and says nothing about the database behind it (SQLite in
 * the embedded deployment, PostgreSQL in cluster mode). Every implementation runs the contract test
 * shipped in this module's test-jar ({@code EventQueueContract}).
 */
package dev.hearth.queue.spi;
