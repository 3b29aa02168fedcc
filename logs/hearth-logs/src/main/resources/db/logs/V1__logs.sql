-- Log groups, log streams and log events, as CloudWatch Logs models them. Groups and streams come
-- into existence with their first event. Times are milliseconds since the epoch (UTC).
CREATE TABLE log_group (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    creation_time INTEGER NOT NULL,
    stored_bytes  INTEGER NOT NULL
);

CREATE TABLE log_stream (
    id                  INTEGER PRIMARY KEY,
    group_id            INTEGER NOT NULL REFERENCES log_group (id),
    name                TEXT NOT NULL,
    creation_time       INTEGER NOT NULL,
    first_event_time    INTEGER NOT NULL,
    last_event_time     INTEGER NOT NULL,
    last_ingestion_time INTEGER NOT NULL,
    UNIQUE (group_id, name)
);

CREATE INDEX log_stream_by_last_event ON log_stream (group_id, last_event_time, name);

-- AUTOINCREMENT: an event id is never reused, even after the newest events were deleted.
CREATE TABLE log_event (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id       INTEGER NOT NULL,
    stream_id      INTEGER NOT NULL,
    timestamp      INTEGER NOT NULL,
    ingestion_time INTEGER NOT NULL,
    message        TEXT NOT NULL
);

CREATE INDEX log_event_by_group_time ON log_event (group_id, timestamp, id);
CREATE INDEX log_event_by_stream_time ON log_event (stream_id, timestamp, id);
