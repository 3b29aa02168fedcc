package dev.hearth.sqs.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message attribute, as SQS keeps it: a data type ({@code String}, {@code Number}, {@code
 * Binary}, optionally with a custom suffix such as {@code Number.int}) and a string or a binary value.
 *
 * @param stringValue the value of a String or Number attribute, else null
 * @param binaryValue the value of a Binary attribute, else null (not copied: do not modify)
 */
public record MessageAttribute(String dataType, String stringValue, byte[] binaryValue) {
    public MessageAttribute {
        Objects.requireNonNull(dataType, "dataType");
        if ((stringValue == null) == (binaryValue == null)) {
            throw new IllegalArgumentException("an attribute has exactly one of a string and a binary value");
        }
    }

    public static MessageAttribute string(String dataType, String value) {
        return new MessageAttribute(dataType, value, null);
    }

    public static MessageAttribute binary(String dataType, byte[] value) {
        return new MessageAttribute(dataType, null, value);
    }

    public boolean isBinary() {
        return binaryValue != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageAttribute that && dataType.equals(that.dataType)
                && Objects.equals(stringValue, that.stringValue) && Arrays.equals(binaryValue, that.binaryValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataType, stringValue, Arrays.hashCode(binaryValue));
    }

    @Override
    public String toString() {
        return dataType + "=" + (isBinary() ? binaryValue.length + " bytes" : stringValue);
    }
}
