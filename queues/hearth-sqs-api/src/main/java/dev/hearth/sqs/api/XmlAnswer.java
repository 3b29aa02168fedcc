package dev.hearth.sqs.api;

import java.util.List;
import java.util.Map;

/**
 * Writes an answer tree (the JSON protocol's shape) as the query protocol's XML: {@code
 * <OperationResponse xmlns=...><OperationResult>...</OperationResult><ResponseMetadata>...}, lists
 * flattened into one element per item named as SQS names them ({@code QueueUrl}, {@code Message},
 * {@code BatchResultErrorEntry}), maps as {@code <Attribute><Name/><Value/></Attribute>} entries.
 * Stateless.
 */
final class XmlAnswer {
    static final String NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
    private static final Map<String, String> LIST_ITEMS = Map.of("QueueUrls", "QueueUrl", "queueUrls", "QueueUrl",
            "Messages", "Message", "Failed", "BatchResultErrorEntry");
    private static final Map<String, String[]> MAP_ENTRIES = Map.of("Attributes", new String[] {"Attribute", "Name", "Value"},
            "MessageAttributes", new String[] {"MessageAttribute", "Name", "Value"},
            "Tags", new String[] {"Tag", "Key", "Value"});

    private XmlAnswer() {}

    /** The whole response document of {@code operation}; a null or empty result writes no Result element. */
    static String response(String operation, Map<String, Object> result, String requestId) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>");
        xml.append('<').append(operation).append("Response xmlns=\"").append(NAMESPACE).append("\">");
        if (result != null && !result.isEmpty()) {
            xml.append('<').append(operation).append("Result>");
            members(xml, operation, result);
            xml.append("</").append(operation).append("Result>");
        }
        xml.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
        xml.append("</").append(operation).append("Response>");
        return xml.toString();
    }

    /** SQS's query error document. */
    static String error(SqsError error, String requestId) {
        return "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>"
                + (error.senderFault() ? "Sender" : "Receiver") + "</Type><Code>" + escape(error.queryCode()) + "</Code><Message>"
                + escape(error.getMessage()) + "</Message><Detail/></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    @SuppressWarnings("unchecked")
    private static void members(StringBuilder xml, String operation, Map<String, Object> node) {
        for (Map.Entry<String, Object> member : node.entrySet()) {
            String name = member.getKey();
            Object value = member.getValue();
            if (value == null) {
                continue;
            }
            if (value instanceof List<?> items) {
                String item = name.equals("Successful") ? operation + "ResultEntry" : LIST_ITEMS.getOrDefault(name, name);
                for (Object element : items) {
                    element(xml, operation, item, element);
                }
            } else if (value instanceof Map<?, ?> map && MAP_ENTRIES.containsKey(name)) {
                String[] names = MAP_ENTRIES.get(name);
                for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
                    xml.append('<').append(names[0]).append("><").append(names[1]).append('>').append(escape(entry.getKey()))
                            .append("</").append(names[1]).append('>');
                    element(xml, operation, names[2], entry.getValue());
                    xml.append("</").append(names[0]).append('>');
                }
            } else {
                element(xml, operation, name, value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void element(StringBuilder xml, String operation, String name, Object value) {
        xml.append('<').append(name).append('>');
        if (value instanceof Map<?, ?> map) {
            members(xml, operation, (Map<String, Object>) map);
        } else {
            xml.append(escape(String.valueOf(value)));
        }
        xml.append("</").append(name).append('>');
    }

    /** XML text: markup characters escaped, and carriage returns as references so parsers keep them. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#xD;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
