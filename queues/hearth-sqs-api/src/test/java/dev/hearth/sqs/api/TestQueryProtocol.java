package dev.hearth.sqs.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The query protocol's two directions: flattened parameters into the JSON tree, answers into SQS's XML. */
final class TestQueryProtocol {
    @Test
    void flattenedMapsListsAndBatchEntriesBecomeTheJsonShape() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("Action", "SendMessageBatch");
        parameters.put("QueueUrl", "http://h/000000000000/q");
        parameters.put("SendMessageBatchRequestEntry.2.Id", "b");
        parameters.put("SendMessageBatchRequestEntry.1.Id", "a");
        parameters.put("SendMessageBatchRequestEntry.1.MessageBody", "one");
        parameters.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "colour");
        parameters.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String");
        parameters.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "blue");
        parameters.put("Attribute.1.Name", "VisibilityTimeout");
        parameters.put("Attribute.1.Value", "10");
        parameters.put("AttributeName.2", "DelaySeconds");
        parameters.put("AttributeName.1", "All");
        parameters.put("Tag.1.Key", "team");
        parameters.put("Tag.1.Value", "core");
        Map<String, Object> tree = QueryParameters.toTree(parameters);
        assertThat(tree).doesNotContainKey("Action").containsEntry("QueueUrl", "http://h/000000000000/q")
                .containsEntry("Attributes", Map.of("VisibilityTimeout", "10"))
                .containsEntry("AttributeNames", List.of("All", "DelaySeconds"))
                .containsEntry("Tags", Map.of("team", "core"));
        assertThat(tree.get("Entries")).isEqualTo(List.of(
                Map.of("Id", "a", "MessageBody", "one",
                        "MessageAttributes", Map.of("colour", Map.of("DataType", "String", "StringValue", "blue"))),
                Map.of("Id", "b")));
    }

    @Test
    void answersAreSqsXmlWithFlattenedListsAndMaps() {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("MessageId", "m-1");
        message.put("Body", "a < b & \"c\"\r\n");
        message.put("Attributes", Map.of("SenderId", "000000000000"));
        message.put("MessageAttributes", Map.of("n", Map.of("StringValue", "7")));
        String xml = XmlAnswer.response("ReceiveMessage", Map.of("Messages", List.of(message)), "req-1");
        assertThat(xml).isEqualTo("<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                + "<ReceiveMessageResult><Message><MessageId>m-1</MessageId><Body>a &lt; b &amp; &quot;c&quot;&#xD;\n</Body>"
                + "<Attribute><Name>SenderId</Name><Value>000000000000</Value></Attribute>"
                + "<MessageAttribute><Name>n</Name><Value><StringValue>7</StringValue></Value></MessageAttribute>"
                + "</Message></ReceiveMessageResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
                + "</ReceiveMessageResponse>");
        assertThat(XmlAnswer.response("SendMessageBatch", Map.of("Successful", List.of(Map.of("Id", "a"))), "r"))
                .contains("<SendMessageBatchResultEntry><Id>a</Id></SendMessageBatchResultEntry>");
        assertThat(XmlAnswer.response("DeleteQueue", Map.of(), "r")).isEqualTo("<?xml version=\"1.0\"?><DeleteQueueResponse"
                + " xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ResponseMetadata><RequestId>r</RequestId>"
                + "</ResponseMetadata></DeleteQueueResponse>");
    }

    @Test
    void errorsAreSqsErrorResponses() {
        assertThat(XmlAnswer.error(SqsError.queueDoesNotExist(), "r")).isEqualTo("<?xml version=\"1.0\"?><ErrorResponse"
                + " xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type>"
                + "<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message>"
                + "<Detail/></Error><RequestId>r</RequestId></ErrorResponse>");
    }
}
