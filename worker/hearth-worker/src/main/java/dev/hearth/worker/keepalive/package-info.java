/**
 * Keep-alive policies: how long idle sandboxes stay warm and when to pre-warm new ones
 * ({@link dev.hearth.worker.keepalive.KeepAlivePolicy}).
 */
package dev.hearth.worker.keepalive;
