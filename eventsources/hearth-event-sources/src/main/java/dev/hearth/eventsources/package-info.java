/**
 * Lambda's event source mappings for Hearth's own SQS-compatible queues: the five API operations
 * ({@link dev.hearth.eventsources.EventSourceMappingApi}), their durable store
 * ({@link dev.hearth.eventsources.EventSourceMappingStore}) and the pollers that read a mapping's queue
 * and invoke its function synchronously through the invocation core
 * ({@link dev.hearth.eventsources.EventSourceMappings}).
 */
package dev.hearth.eventsources;
