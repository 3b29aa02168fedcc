package dev.hearth.runtimes;

/** The language family of a Lambda runtime identifier; it decides which bootstrap runs. */
enum RuntimeFamily {
    PYTHON,
    NODEJS,
    JAVA,
    DOTNET,
    RUBY,
    /** OS-only runtimes: the function package brings its own {@code bootstrap} executable. */
    PROVIDED
}
