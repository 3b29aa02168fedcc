-- Provisioned concurrency (PutProvisionedConcurrencyConfig): one row per function and qualifier (a
-- published version or an alias), deleted with the function. Its status is the worker's, not stored.
CREATE TABLE provisioned_concurrency (
    function_name TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    qualifier     TEXT NOT NULL,
    requested     INTEGER NOT NULL CHECK (requested >= 1),
    last_modified TEXT NOT NULL,
    PRIMARY KEY (function_name, qualifier)
);
