/**
 * The HTTP edge every API Hearth serves shares: one Jetty server on virtual threads ({@link
 * dev.hearth.http.HttpApiServer}), dispatch by SigV4 service, {@code X-Amz-Target}, {@code Action}
 * or path ({@link dev.hearth.http.ApiRouter}), routes and requests, AWS-shaped JSON and errors mapped
 * from the error type in one place ({@link dev.hearth.http.ErrorResponses}), and the authentication
 * hook (SigV4).
 */
package dev.hearth.http;
