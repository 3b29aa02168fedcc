-- The internal queue of accepted asynchronous invocations. Instants are microseconds since the epoch.

-- Events still to be delivered. seq is the rowid: acceptance order, the tie-breaker for leasing.
-- An event is leased while lease_token is set and visible_at (the lease's expiry) is in the future;
-- delayed for a retry while lease_token is null and visible_at is in the future; ready otherwise.
CREATE TABLE queued_event (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    function_name  TEXT    NOT NULL,
    qualifier      TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    enqueued_at    INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    system_retries INTEGER NOT NULL,
    visible_at     INTEGER NOT NULL,
    lease_token    TEXT,
    last_error     TEXT
);

-- leasing: the earliest visible events first, in acceptance order; also counts the ready events
CREATE INDEX queued_event_by_visibility ON queued_event (visible_at, seq);

-- counting the leased events without reading the delayed ones
CREATE INDEX queued_event_leased ON queued_event (visible_at) WHERE lease_token IS NOT NULL;

-- Events the pollers gave up on. seq orders them by the time they were moved here.
CREATE TABLE dead_letter (
    seq              INTEGER PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    function_name    TEXT    NOT NULL,
    qualifier        TEXT    NOT NULL,
    payload          BLOB    NOT NULL,
    enqueued_at      INTEGER NOT NULL,
    attempts         INTEGER NOT NULL,
    system_retries   INTEGER NOT NULL,
    visible_at       INTEGER NOT NULL,
    last_error       TEXT,
    reason           TEXT    NOT NULL,
    dead_lettered_at INTEGER NOT NULL
);
