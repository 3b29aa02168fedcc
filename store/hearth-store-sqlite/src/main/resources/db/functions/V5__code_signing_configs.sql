-- Code signing configurations (CreateCodeSigningConfig) and the one each function uses
-- (PutFunctionCodeSigningConfig or CreateFunction's CodeSigningConfigArn). An association goes with
-- its function; a configuration in use cannot be deleted.
CREATE TABLE code_signing_config (
    id                               TEXT PRIMARY KEY,
    description                      TEXT NOT NULL,
    signing_profile_version_arns     TEXT NOT NULL,
    untrusted_artifact_on_deployment TEXT NOT NULL,
    tags                             TEXT NOT NULL,
    last_modified                    TEXT NOT NULL
);

CREATE TABLE function_code_signing_config (
    function_name TEXT PRIMARY KEY REFERENCES function (name) ON DELETE CASCADE,
    config_id     TEXT NOT NULL REFERENCES code_signing_config (id)
);

CREATE INDEX function_code_signing_config_by_config ON function_code_signing_config (config_id, function_name);
