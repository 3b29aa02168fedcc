package dev.hearth.sqs.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the query protocol's flattened parameters ({@code Attribute.1.Name=VisibilityTimeout},
 * {@code SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=...}) into the tree the
 * JSON protocol sends for the same request ({@code {"Attributes": {"VisibilityTimeout": ...}}},
 * {@code {"Entries": [..., {"MessageAttributes": {...}}]}}), so that every operation reads one shape.
 * Values stay strings; numbers are parsed where they are read. Stateless.
 */
final class QueryParameters {
    /** Query names of flattened lists and the JSON member each becomes. */
    private static final Map<String, String> LISTS = Map.of("AttributeName", "AttributeNames", "MessageAttributeName",
            "MessageAttributeNames", "MessageSystemAttributeName", "MessageSystemAttributeNames", "TagKey", "TagKeys",
            "SendMessageBatchRequestEntry", "Entries", "DeleteMessageBatchRequestEntry", "Entries",
            "ChangeMessageVisibilityBatchRequestEntry", "Entries");
    /** Query names of flattened maps: the JSON member, the key's name and the value's name in each entry. */
    private static final Map<String, String[]> MAPS = Map.of("Attribute", new String[] {"Attributes", "Name", "Value"},
            "MessageAttribute", new String[] {"MessageAttributes", "Name", "Value"},
            "MessageSystemAttribute", new String[] {"MessageSystemAttributes", "Name", "Value"},
            "Tag", new String[] {"Tags", "Key", "Value"}, "Tags", new String[] {"Tags", "Key", "Value"});

    private QueryParameters() {}

    /** The request tree of {@code parameters} (name to its first value), {@code Action} and {@code Version} left out. */
    static Map<String, Object> toTree(Map<String, String> parameters) {
        Map<String, Object> raw = new TreeMap<>();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getKey().equals("Action") || parameter.getKey().equals("Version")) {
                continue;
            }
            insert(raw, parameter.getKey().split("\\."), 0, parameter.getValue());
        }
        return shape(raw);
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> node, String[] path, int at, String value) {
        String key = path[at];
        if (at == path.length - 1) {
            node.put(key, value);
            return;
        }
        Object child = node.get(key);
        if (!(child instanceof Map)) {
            child = new TreeMap<String, Object>();
            node.put(key, child);
        }
        insert((Map<String, Object>) child, path, at + 1, value);
    }

    /** Turns index-keyed maps into lists and renames flattened members to their JSON names, recursively. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> shape(Map<String, Object> raw) {
        Map<String, Object> shaped = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : raw.entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (!(value instanceof Map)) {
                shaped.put(name, value);
                continue;
            }
            if (MAPS.containsKey(name)) {
                String[] names = MAPS.get(name);
                Map<String, Object> map = new LinkedHashMap<>();
                for (Object item : indexed((Map<String, Object>) value)) {
                    if (item instanceof Map<?, ?> pair && pair.get(names[1]) instanceof String key) {
                        map.put(key, pair.get(names[2]));
                    }
                }
                shaped.put(names[0], map);
            } else if (LISTS.containsKey(name)) {
                shaped.put(LISTS.get(name), indexed((Map<String, Object>) value));
            } else {
                shaped.put(name, shape((Map<String, Object>) value));
            }
        }
        return shaped;
    }

    /** The values of a map keyed by 1-based indexes, in index order, each shaped. */
    @SuppressWarnings("unchecked")
    private static List<Object> indexed(Map<String, Object> byIndex) {
        Map<Integer, Object> ordered = new TreeMap<>();
        for (Map.Entry<String, Object> entry : byIndex.entrySet()) {
            try {
                Object value = entry.getValue();
                ordered.put(Integer.parseInt(entry.getKey()), value instanceof Map ? shape((Map<String, Object>) value) : value);
            } catch (NumberFormatException e) {
                throw SqsError.malformedRequest("The parameter " + entry.getKey() + " is not a valid list index.");
            }
        }
        return new ArrayList<>(ordered.values());
    }
}
