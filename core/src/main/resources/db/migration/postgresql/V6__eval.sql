-- Same schema as sqlite/V6: keep the two files in step. Instants are epoch nanoseconds (BIGINT), JSON values
-- are text, booleans are INTEGER 0/1 in both engines.

-- A suite's versions are numbered from 1; latest_version is the newest. kind: eval (frozen), regression (grows),
-- custom.
CREATE TABLE eval_suites (
    project_id      TEXT     NOT NULL,
    id              TEXT     NOT NULL,
    name            TEXT     NOT NULL,
    kind            TEXT     NOT NULL,
    description     TEXT,
    latest_version  INTEGER  NOT NULL,
    created_ns      BIGINT   NOT NULL,
    updated_ns      BIGINT   NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX eval_suites_by_name ON eval_suites (project_id, name);

-- Immutable once written. content_hash covers the ordered content hashes of the version's cases.
CREATE TABLE eval_suite_versions (
    project_id    TEXT     NOT NULL,
    suite_id      TEXT     NOT NULL,
    version       INTEGER  NOT NULL,
    content_hash  TEXT     NOT NULL,
    case_count    INTEGER  NOT NULL,
    note          TEXT,
    created_ns    BIGINT   NOT NULL,
    PRIMARY KEY (project_id, suite_id, version)
);

-- Cases are immutable; an edit stores new ones.
CREATE TABLE eval_cases (
    project_id       TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    content_hash     TEXT    NOT NULL,
    input            TEXT    NOT NULL,
    context          TEXT    NOT NULL,
    expected         TEXT,
    fixtures         TEXT    NOT NULL,
    expectations     TEXT    NOT NULL,
    tags             TEXT    NOT NULL,
    origin_trace_id  TEXT,
    created_ns       BIGINT  NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX eval_cases_by_trace ON eval_cases (project_id, origin_trace_id);

-- Membership as intervals of versions: a case is in version v when added_version <= v and (removed_version is
-- NULL or removed_version > v). A removal keeps its reason (regression suites require one) and time.
CREATE TABLE eval_suite_members (
    project_id       TEXT     NOT NULL,
    suite_id         TEXT     NOT NULL,
    case_id          TEXT     NOT NULL,
    position         INTEGER  NOT NULL,
    added_version    INTEGER  NOT NULL,
    added_ns         BIGINT   NOT NULL,
    removed_version  INTEGER,
    removed_reason   TEXT,
    removed_ns       BIGINT,
    PRIMARY KEY (project_id, suite_id, case_id)
);
CREATE INDEX eval_suite_members_by_position ON eval_suite_members (project_id, suite_id, position);

-- status: running, completed, failed (the run itself broke, e.g. the database; a failing agent fails cases only).
CREATE TABLE eval_runs (
    project_id     TEXT              NOT NULL,
    id             TEXT              NOT NULL,
    suite_id       TEXT              NOT NULL,
    suite_version  INTEGER           NOT NULL,
    agent          TEXT              NOT NULL,
    agent_version  TEXT,
    configuration  TEXT,
    options        TEXT              NOT NULL,
    status         TEXT              NOT NULL,
    total          INTEGER           NOT NULL,
    passed         INTEGER,
    failed         INTEGER,
    errors         INTEGER,
    success_rate   DOUBLE PRECISION,
    wilson_low     DOUBLE PRECISION,
    wilson_high    DOUBLE PRECISION,
    p50_ms         BIGINT,
    p95_ms         BIGINT,
    total_cost     NUMERIC,
    error          TEXT,
    started_ns     BIGINT            NOT NULL,
    finished_ns    BIGINT,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX eval_runs_by_suite ON eval_runs (project_id, suite_id, suite_version, started_ns);

-- status: passed, failed (scored and failed), error (the agent threw or a fixture was missing), timeout.
CREATE TABLE eval_results (
    project_id  TEXT              NOT NULL,
    run_id      TEXT              NOT NULL,
    case_id     TEXT              NOT NULL,
    position    INTEGER           NOT NULL,
    status      TEXT              NOT NULL,
    passed      INTEGER           NOT NULL,
    score       DOUBLE PRECISION  NOT NULL,
    output      TEXT,
    trace       TEXT,
    trace_id    TEXT,
    reason      TEXT,
    cost        NUMERIC,
    latency_ms  BIGINT            NOT NULL,
    scores      TEXT              NOT NULL,
    calls       TEXT              NOT NULL,
    PRIMARY KEY (project_id, run_id, case_id)
);

-- A gate's inputs and verdict, kept as evidence for the change it let through or stopped.
CREATE TABLE eval_gates (
    project_id  TEXT     NOT NULL,
    id          TEXT     NOT NULL,
    passed      INTEGER  NOT NULL,
    evidence    TEXT     NOT NULL,
    created_ns  BIGINT   NOT NULL,
    PRIMARY KEY (project_id, id)
);
