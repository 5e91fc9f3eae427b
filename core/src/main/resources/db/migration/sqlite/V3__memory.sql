-- Same schema as postgresql/V3: keep the two files in step. Instants are epoch nanoseconds (BIGINT).
-- value and provenance are JSON text. user_id and session_id are NULL for items shared by every user or
-- session of the agent. Rows are never deleted: superseded, expired and rejected items stay as history.
CREATE TABLE memory_items (
    project_id       TEXT     NOT NULL,
    id               TEXT     NOT NULL,
    agent            TEXT     NOT NULL,
    user_id          TEXT,
    session_id       TEXT,
    kind             TEXT     NOT NULL,
    text             TEXT     NOT NULL,
    key              TEXT,
    value            TEXT,
    provenance       TEXT     NOT NULL,
    valid_from_ns    BIGINT   NOT NULL,
    valid_to_ns      BIGINT,
    status           TEXT     NOT NULL,
    superseded_by    TEXT,
    times_retrieved  BIGINT   NOT NULL DEFAULT 0,
    success_count    BIGINT   NOT NULL DEFAULT 0,
    failure_count    BIGINT   NOT NULL DEFAULT 0,
    idempotency_key  TEXT,
    created_ns       BIGINT   NOT NULL,
    updated_ns       BIGINT   NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX memory_items_by_idempotency_key ON memory_items (project_id, idempotency_key);
CREATE INDEX memory_items_by_scope ON memory_items (project_id, agent, status, user_id, session_id);
CREATE INDEX memory_items_by_key ON memory_items (project_id, agent, key, status);
CREATE INDEX memory_items_by_status ON memory_items (status, updated_ns);

-- A snapshot is content-addressed: its id is derived from its scope and the hashes of its items.
CREATE TABLE memory_snapshots (
    project_id    TEXT     NOT NULL,
    id            TEXT     NOT NULL,
    agent         TEXT     NOT NULL,
    user_id       TEXT,
    session_id    TEXT,
    created_ns    BIGINT   NOT NULL,
    item_count    INTEGER  NOT NULL,
    content_hash  TEXT     NOT NULL,
    PRIMARY KEY (project_id, id)
);

CREATE TABLE memory_snapshot_items (
    project_id   TEXT  NOT NULL,
    snapshot_id  TEXT  NOT NULL,
    item_id      TEXT  NOT NULL,
    item_hash    TEXT  NOT NULL,
    PRIMARY KEY (project_id, snapshot_id, item_id)
);
