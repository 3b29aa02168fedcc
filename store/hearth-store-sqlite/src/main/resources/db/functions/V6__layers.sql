-- Layers: one row per layer name ever published, keeping the highest version number handed out so
-- that numbers are never reused after deletions; one row per existing layer version (immutable but
-- for its policy's RevisionId); the statements of each version's permission policy, in the order
-- added; and the layers of each function version, in the function's order. A function version keeps
-- its layer references (and so the packages) when the layer version is deleted.
CREATE TABLE layer (
    name           TEXT PRIMARY KEY,
    latest_version INTEGER NOT NULL CHECK (latest_version >= 1)
);

CREATE TABLE layer_version (
    layer_name               TEXT NOT NULL REFERENCES layer (name),
    version                  INTEGER NOT NULL CHECK (version >= 1),
    description              TEXT NOT NULL,
    created_date             TEXT NOT NULL,
    compatible_runtimes      TEXT,
    compatible_architectures TEXT,
    license_info             TEXT,
    code_sha256              TEXT NOT NULL,
    code_size                INTEGER NOT NULL,
    policy_revision_id       TEXT NOT NULL,
    PRIMARY KEY (layer_name, version)
);

CREATE TABLE layer_version_permission (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    layer_name      TEXT NOT NULL,
    version         INTEGER NOT NULL,
    statement_id    TEXT NOT NULL,
    action          TEXT NOT NULL,
    principal       TEXT NOT NULL,
    organization_id TEXT,
    UNIQUE (layer_name, version, statement_id),
    FOREIGN KEY (layer_name, version) REFERENCES layer_version (layer_name, version) ON DELETE CASCADE
);

CREATE TABLE function_version_layer (
    function_name TEXT NOT NULL REFERENCES function (name) ON DELETE CASCADE,
    version       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    layer_arn     TEXT NOT NULL,
    code_sha256   TEXT NOT NULL,
    code_size     INTEGER NOT NULL,
    PRIMARY KEY (function_name, version, position)
);
