package dev.hearth.logs;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing: the items, and the token that continues after them when there may be more.
 * Tokens are opaque strings; pass them back unchanged with the same query.
 */
public record Page<T>(List<T> items, Optional<String> nextToken) {
    public Page {
        items = List.copyOf(items);
    }
}
