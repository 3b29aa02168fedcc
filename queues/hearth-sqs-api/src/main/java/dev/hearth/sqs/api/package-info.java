/**
 * Amazon SQS's API on Hearth's queue engine ({@link dev.hearth.sqs.spi.MessageQueues}): {@link
 * dev.hearth.sqs.api.SqsApi} is an {@code ApiService} of the shared endpoint that speaks both wire
 * protocols SQS clients use — AWS JSON 1.0 ({@code X-Amz-Target: AmazonSQS.<Operation>}, current
 * SDKs) and the query protocol (form-encoded {@code Action=...}, XML answers; older SDKs and the AWS
 * CLI v2 of Debian 12). Both are read into one JSON-shaped request tree and every operation is
 * written once; only the last step, writing the answer or the error, differs by protocol.
 */
package dev.hearth.sqs.api;
