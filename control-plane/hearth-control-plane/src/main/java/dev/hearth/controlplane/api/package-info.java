/**
 * Lambda's management API request and response shapes as records. Component names are Lambda's
 * field names in lower camel case ({@code functionArn} is {@code FunctionArn} on the wire); absent
 * optional fields are {@code null}, as the JSON leaves them out.
 */
package dev.hearth.controlplane.api;
