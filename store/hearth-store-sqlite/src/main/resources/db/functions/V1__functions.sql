-- Functions, their versions and aliases. Configuration and routing are JSON documents: the control
-- plane validates them; the store keeps them exactly.
CREATE TABLE function (
    name                   TEXT PRIMARY KEY,
    created_at             TEXT NOT NULL,
    last_published_version INTEGER NOT NULL,
    tags                   TEXT NOT NULL
);

CREATE TABLE function_version (
    function_name  TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    version        TEXT NOT NULL,
    version_number INTEGER NOT NULL,
    configuration  TEXT NOT NULL,
    code_sha256    TEXT NOT NULL,
    code_size      INTEGER NOT NULL,
    last_modified  TEXT NOT NULL,
    revision_id    TEXT NOT NULL,
    PRIMARY KEY (function_name, version)
);

CREATE INDEX function_version_order ON function_version (function_name, version_number);

CREATE TABLE alias (
    function_name    TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    function_version TEXT NOT NULL,
    description      TEXT NOT NULL,
    routing          TEXT NOT NULL,
    revision_id      TEXT NOT NULL,
    PRIMARY KEY (function_name, name)
);
