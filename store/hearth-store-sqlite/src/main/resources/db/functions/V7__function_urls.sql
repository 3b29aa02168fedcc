-- Function URLs (CreateFunctionUrlConfig): at most one per function and qualifier ('$LATEST' for the
-- unqualified function, else an alias name), deleted with the function (here) and with its alias (by
-- the store's deleteAlias). url_id is the host label of the URL, unique across the store.
CREATE TABLE function_url (
    function_name      TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    qualifier          TEXT NOT NULL,
    url_id             TEXT NOT NULL UNIQUE,
    auth_type          TEXT NOT NULL,
    cors               TEXT,
    invoke_mode        TEXT NOT NULL,
    creation_time      TEXT NOT NULL,
    last_modified_time TEXT NOT NULL,
    PRIMARY KEY (function_name, qualifier)
);
