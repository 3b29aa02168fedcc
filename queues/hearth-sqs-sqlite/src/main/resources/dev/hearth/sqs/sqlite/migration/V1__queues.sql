-- The SQS-compatible queues of one account and region.
CREATE TABLE queue (
    id                          INTEGER PRIMARY KEY,
    name                        TEXT    NOT NULL UNIQUE,
    fifo                        INTEGER NOT NULL,
    content_based_deduplication INTEGER NOT NULL,
    visibility_timeout_ms       INTEGER NOT NULL,
    retention_ms                INTEGER NOT NULL,
    delay_ms                    INTEGER NOT NULL,
    receive_wait_ms             INTEGER NOT NULL,
    maximum_message_size        INTEGER NOT NULL,
    dead_letter_queue           TEXT,
    max_receive_count           INTEGER,
    redrive_allow_policy        TEXT,
    created_ms                  INTEGER NOT NULL,
    modified_ms                 INTEGER NOT NULL,
    next_sequence               INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE queue_tag (
    queue_id INTEGER NOT NULL,
    tag_key  TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (queue_id, tag_key)
);

-- visible_ms: when the message may next be received (after its delay, or its visibility timeout);
-- receipt_token: the random part of the latest receipt handle (null until received)
CREATE TABLE message (
    id                 INTEGER PRIMARY KEY,
    queue_id           INTEGER NOT NULL,
    message_id         TEXT    NOT NULL,
    body               TEXT    NOT NULL,
    attributes         BLOB,
    trace_header       TEXT,
    sent_ms            INTEGER NOT NULL,
    visible_ms         INTEGER NOT NULL,
    receive_count      INTEGER NOT NULL DEFAULT 0,
    first_receive_ms   INTEGER,
    receipt_token      TEXT,
    group_id           TEXT,
    deduplication_id   TEXT,
    sequence_number    TEXT,
    dead_letter_source TEXT
);
CREATE INDEX message_by_visibility ON message (queue_id, visible_ms);
CREATE INDEX message_by_order ON message (queue_id);
CREATE INDEX message_by_age ON message (queue_id, sent_ms);

CREATE TABLE deduplication (
    queue_id         INTEGER NOT NULL,
    deduplication_id TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    sequence_number  TEXT,
    expires_ms       INTEGER NOT NULL,
    PRIMARY KEY (queue_id, deduplication_id)
);
CREATE INDEX deduplication_by_expiry ON deduplication (queue_id, expires_ms);
