package dev.hearth.store.spi;

/** How much of the account is used: number of functions and bytes of code across all versions. */
public record AccountUsage(long functionCount, long totalCodeSize) {}
