/**
 * The small, dependency-free vocabulary that every Hearth component shares: Lambda's error types
 * ({@link dev.hearth.core.LambdaErrorType}, {@link dev.hearth.core.LambdaException}), the one
 * wording of constraint violations ({@link dev.hearth.core.ConstraintViolations}) and the naming of
 * functions ({@link dev.hearth.core.FunctionRef}, {@link dev.hearth.core.FunctionNameMember},
 * {@link dev.hearth.core.AccountContext}).
 */
package dev.hearth.core;
