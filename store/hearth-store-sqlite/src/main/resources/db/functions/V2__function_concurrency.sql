-- Reserved concurrency (PutFunctionConcurrency): at most one row per function, deleted with it.
CREATE TABLE function_concurrency (
    function_name TEXT PRIMARY KEY REFERENCES function (name) ON DELETE CASCADE,
    reserved      INTEGER NOT NULL CHECK (reserved >= 0)
);
