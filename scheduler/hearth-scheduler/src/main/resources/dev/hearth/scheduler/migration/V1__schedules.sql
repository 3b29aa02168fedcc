-- EventBridge Scheduler's schedule groups and schedules of one account in one region.
CREATE TABLE schedule_group (
    name          TEXT PRIMARY KEY,
    created_ms    INTEGER NOT NULL,
    modified_ms   INTEGER NOT NULL,
    client_token  TEXT,
    tags          TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE schedule (
    id            INTEGER PRIMARY KEY,
    group_name    TEXT NOT NULL REFERENCES schedule_group (name),
    name          TEXT NOT NULL,
    -- the members Create/UpdateSchedule set (ScheduleSpec as JSON)
    spec          TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    modified_ms   INTEGER NOT NULL,
    -- bumped by every update: the engine only advances a row it fired if nobody changed it meanwhile
    revision      INTEGER NOT NULL,
    client_token  TEXT,
    -- the nominal time of the fire being delivered (or the next one); NULL: no fire left
    next_fire_ms  INTEGER,
    -- when the engine tries that fire next (next_fire_ms, or a retry's time); NULL: disabled or done
    due_ms        INTEGER,
    -- failed attempts at delivering the fire of next_fire_ms
    attempts      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_name, name)
);

CREATE INDEX schedule_due ON schedule (due_ms) WHERE due_ms IS NOT NULL;
