-- Resource-based policies (AddPermission): one JSON document per function and qualifier ('$LATEST'
-- for the function itself, else a version number or an alias name), deleted with the function (here)
-- and with its version or alias (by the store's deleteVersion and deleteAlias).
CREATE TABLE function_policy (
    function_name TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    qualifier     TEXT NOT NULL,
    document      TEXT NOT NULL,
    PRIMARY KEY (function_name, qualifier)
);
