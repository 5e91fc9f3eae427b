-- Same schema as sqlite/V2: keep the two files in step. Booleans are INTEGER 0/1 in both engines.
CREATE TABLE feedback (
    project_id       TEXT     NOT NULL,
    id               TEXT     NOT NULL,
    trace_id         TEXT     NOT NULL,
    span_id          TEXT,
    kind             TEXT     NOT NULL,
    value            TEXT,
    scale_min        NUMERIC,
    scale_max        NUMERIC,
    reason           TEXT,
    name             TEXT,
    source           TEXT     NOT NULL,
    author_id        TEXT,
    confidence       NUMERIC  NOT NULL,
    created_ns       BIGINT   NOT NULL,
    idempotency_key  TEXT,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX feedback_by_idempotency_key ON feedback (project_id, idempotency_key);
CREATE INDEX feedback_by_trace ON feedback (project_id, trace_id, created_ns);

CREATE TABLE outcomes (
    project_id  TEXT     NOT NULL,
    trace_id    TEXT     NOT NULL,
    status      TEXT     NOT NULL,
    score       NUMERIC  NOT NULL,
    confidence  NUMERIC  NOT NULL,
    signals     INTEGER  NOT NULL,
    reviewed    INTEGER  NOT NULL,
    reason      TEXT,
    updated_ns  BIGINT   NOT NULL,
    PRIMARY KEY (project_id, trace_id)
);
CREATE INDEX outcomes_by_status ON outcomes (project_id, status);
CREATE INDEX outcomes_by_score ON outcomes (project_id, score);

-- Per-project settings as JSON documents: outcome_rules, review_rules, verifiers.
CREATE TABLE project_settings (
    project_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    updated_ns  BIGINT  NOT NULL,
    PRIMARY KEY (project_id, name)
);

CREATE TABLE review_items (
    project_id       TEXT     NOT NULL,
    id               TEXT     NOT NULL,
    trace_id         TEXT     NOT NULL,
    reason           TEXT     NOT NULL,
    status           TEXT     NOT NULL,
    labels_required  INTEGER  NOT NULL,
    created_ns       BIGINT   NOT NULL,
    updated_ns       BIGINT   NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX review_items_by_status ON review_items (project_id, status, created_ns);
CREATE INDEX review_items_by_trace ON review_items (project_id, trace_id);

-- Who holds an item now, and who gave it back (skipped) so it is not offered to them again.
CREATE TABLE review_assignments (
    project_id    TEXT     NOT NULL,
    item_id       TEXT     NOT NULL,
    annotator_id  TEXT     NOT NULL,
    state         TEXT     NOT NULL,
    updated_ns    BIGINT   NOT NULL,
    PRIMARY KEY (project_id, item_id, annotator_id)
);

CREATE TABLE review_labels (
    project_id    TEXT    NOT NULL,
    item_id       TEXT    NOT NULL,
    annotator_id  TEXT    NOT NULL,
    verdict       TEXT    NOT NULL,
    label         TEXT,
    comment       TEXT,
    created_ns    BIGINT  NOT NULL,
    PRIMARY KEY (project_id, item_id, annotator_id)
);

-- Secrets of the installation shared by every replica (e.g. the key that signs feedback tokens).
CREATE TABLE server_secrets (
    name        TEXT    NOT NULL PRIMARY KEY,
    value       TEXT    NOT NULL,
    created_ns  BIGINT  NOT NULL
);
