/** Java Lambda handlers that the java runtime tests copy into a task root and run with AWS's runtime client. */
package dev.hearth.runtimes.testfn;
