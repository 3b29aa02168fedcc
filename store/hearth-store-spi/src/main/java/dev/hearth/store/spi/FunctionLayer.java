package dev.hearth.store.spi;

import java.util.Objects;

/**
 * One layer of a function version, as the version refers to it: the layer version's ARN and its
 * package. The function keeps this reference (and its package) when the layer version is deleted.
 *
 * @param arn the layer version's ARN ({@code arn:aws:lambda:REGION:ACCOUNT:layer:NAME:N})
 * @param code the layer version's package
 */
public record FunctionLayer(String arn, CodeRef code) {
    public FunctionLayer {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(code, "code");
    }
}
