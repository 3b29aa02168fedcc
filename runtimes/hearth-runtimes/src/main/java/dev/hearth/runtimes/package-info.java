/**
 * Lambda's runtimes on Hearth: which runtime identifiers exist ({@link dev.hearth.runtimes.RuntimeCatalog}),
 * the bootstrap files each one runs inside a sandbox (a python and a node bootstrap written for
 * Hearth, AWS's Java runtime interface client, the function's own {@code bootstrap} for
 * {@code provided*}), and the command line that starts them ({@link dev.hearth.runtimes.RuntimeLaunch}).
 *
 * <p>Every bootstrap speaks Lambda's Runtime API ({@code /2018-06-01/runtime/...}) at
 * {@code http://$AWS_LAMBDA_RUNTIME_API}, so handler code written for Lambda runs unchanged. The
 * interpreters are the host's, under {@code /usr}, which isolating sandbox backends expose read-only.
 */
package dev.hearth.runtimes;
