/**
 * The {@code hearth} command: {@code hearth server} wires every component into one JVM on embedded
 * defaults ({@link dev.hearth.server.EmbeddedHearth}); client sub-commands reach a running server
 * through {@code --endpoint} / {@code HEARTH_ENDPOINT}.
 */
package dev.hearth.server;
