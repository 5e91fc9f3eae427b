-- Same schema as postgresql/V4: keep the two files in step. Instants are epoch nanoseconds (BIGINT).

-- Traces whose corrections wait for the curation worker: one row per trace, written in the transaction that
-- stores the feedback, so a committed correction is never lost between the request and the worker. version
-- grows with every enqueue; the worker deletes the row only at the version it processed, so feedback that
-- arrives meanwhile sends the trace round again. A failure keeps the row, with attempts, the next attempt
-- and the error.
CREATE TABLE curation_queue (
    project_id       TEXT     NOT NULL,
    trace_id         TEXT     NOT NULL,
    version          BIGINT   NOT NULL,
    enqueued_ns      BIGINT   NOT NULL,
    attempts         INTEGER  NOT NULL,
    next_attempt_ns  BIGINT   NOT NULL,
    last_error       TEXT,
    PRIMARY KEY (project_id, trace_id)
);
CREATE INDEX curation_queue_by_due ON curation_queue (next_attempt_ns, enqueued_ns);

-- The curation decision on each correction: pending, written (with the memory item), skipped (with the
-- reason) or failed (retried; reason is the error). agent, user_id, session_id and memory_key are the scope
-- and key the item was (or would be) written under, so a late correction never overwrites a newer one.
CREATE TABLE curation_log (
    project_id           TEXT     NOT NULL,
    feedback_id          TEXT     NOT NULL,
    trace_id             TEXT     NOT NULL,
    decision             TEXT     NOT NULL,
    reason               TEXT     NOT NULL,
    memory_id            TEXT,
    memory_action        TEXT,
    superseded_id        TEXT,
    agent                TEXT,
    user_id              TEXT,
    session_id           TEXT,
    memory_key           TEXT,
    feedback_created_ns  BIGINT   NOT NULL,
    attempts             INTEGER  NOT NULL,
    created_ns           BIGINT   NOT NULL,
    updated_ns           BIGINT   NOT NULL,
    PRIMARY KEY (project_id, feedback_id)
);
CREATE INDEX curation_log_by_trace ON curation_log (project_id, trace_id);
CREATE INDEX curation_log_by_time ON curation_log (project_id, updated_ns);
CREATE INDEX curation_log_by_key ON curation_log (project_id, agent, memory_key, decision);
