-- Same schema as sqlite/V1: keep the two files in step (types differ only where the engines do).
-- Times are epoch nanoseconds (OTLP's unit), JSON values are stored as text.
CREATE TABLE projects (
    id          TEXT    NOT NULL PRIMARY KEY,
    created_ns  BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT    NOT NULL PRIMARY KEY,
    project_id  TEXT    NOT NULL REFERENCES projects (id),
    key_hash    TEXT    NOT NULL UNIQUE,
    prefix      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    created_ns  BIGINT  NOT NULL,
    revoked_ns  BIGINT
);

CREATE TABLE traces (
    project_id     TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    agent          TEXT,
    version        TEXT,
    session_id     TEXT,
    user_id        TEXT,
    start_ns       BIGINT  NOT NULL,
    end_ns         BIGINT,
    input          TEXT,
    instructions   TEXT,
    output         TEXT,
    status         TEXT    NOT NULL,
    error          TEXT,
    model          TEXT,
    input_tokens   BIGINT,
    output_tokens  BIGINT,
    cost           NUMERIC,
    latency_ms     BIGINT,
    tags           TEXT,
    metadata       TEXT,
    ingested_ns    BIGINT  NOT NULL,
    updated_ns     BIGINT  NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX traces_by_time ON traces (project_id, start_ns DESC, id DESC);
CREATE INDEX traces_by_agent ON traces (project_id, agent, version, start_ns DESC);
CREATE INDEX traces_by_session ON traces (project_id, session_id);
CREATE INDEX traces_by_user ON traces (project_id, user_id);

CREATE TABLE spans (
    project_id     TEXT    NOT NULL,
    trace_id       TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    parent_id      TEXT,
    kind           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    input          TEXT,
    output         TEXT,
    attributes     TEXT,
    start_ns       BIGINT  NOT NULL,
    end_ns         BIGINT,
    status         TEXT    NOT NULL,
    error          TEXT,
    model          TEXT,
    input_tokens   BIGINT,
    output_tokens  BIGINT,
    cost           NUMERIC,
    tool_name      TEXT,
    tool_call_id   TEXT,
    PRIMARY KEY (project_id, trace_id, id)
);
