/** Every thread Hearth starts comes from {@link dev.hearth.threads.HearthThreads}: named, with failures logged. */
package dev.hearth.threads;
