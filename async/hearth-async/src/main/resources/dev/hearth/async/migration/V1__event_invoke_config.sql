-- Lambda's event invoke configs, one row per function qualifier. NULL means Lambda's default.
-- last_modified is microseconds since the epoch.
CREATE TABLE event_invoke_config (
    function_name               TEXT    NOT NULL,
    qualifier                   TEXT    NOT NULL,
    maximum_retry_attempts      INTEGER,
    maximum_event_age_seconds   INTEGER,
    on_success                  TEXT,
    on_failure                  TEXT,
    last_modified               INTEGER NOT NULL,
    PRIMARY KEY (function_name, qualifier)
);
