/**
 * Function code the benchmark deploys to Hearth. Classes here are packaged as function code (their
 * class files are zipped), never called by the benchmark itself.
 */
package dev.hearth.bench.fn;
