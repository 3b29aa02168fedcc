-- One row per event source mapping of the cell; the mapping itself is kept as its JSON document.
CREATE TABLE event_source_mapping (
    uuid          TEXT PRIMARY KEY,
    function_name TEXT NOT NULL,
    document      TEXT NOT NULL
);
CREATE INDEX event_source_mapping_function ON event_source_mapping (function_name);
