/**
 * The HTTP edge of Hearth (Lambda's load balancer and Frontend): one Jetty server on virtual threads
 * serving Lambda's REST API — management operations and Invoke — with request authentication
 * (SigV4), size limits, JSON in Lambda's shapes, and every error mapped to Lambda's error type and
 * status in one place ({@link dev.hearth.frontend.ErrorResponses}).
 */
package dev.hearth.frontend;
