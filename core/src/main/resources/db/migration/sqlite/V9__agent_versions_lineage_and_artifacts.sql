-- Same schema as postgresql/V9: keep the two files in step (only the type of artifacts.bytes differs). Instants are
-- epoch nanoseconds (BIGINT), JSON values are text.

-- Every change to an agent, whatever its layer, is a new immutable version proposed as a candidate, verified, then
-- promoted or rejected. A version keeps where it came from (parent: the label of the version it changes, of the same
-- agent), which layer it changes (model, weights, instructions, rules, tools, memory, parameters) and the evidence
-- that produced it (traces, feedback, cases, dataset version, eval runs, gate verdict), so "which traces caused this
-- change, and did it fix them?" has an answer. status: registered (added with the agent, POST /api/v1/agents),
-- candidate, promoted, rejected; only a candidate is ever decided, once, with the decision (why) and its time.
-- Versions registered before this migration read as registered, without lineage.
ALTER TABLE eval_agent_versions ADD COLUMN parent TEXT;
ALTER TABLE eval_agent_versions ADD COLUMN layer TEXT;
ALTER TABLE eval_agent_versions ADD COLUMN evidence TEXT;
ALTER TABLE eval_agent_versions ADD COLUMN status TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE eval_agent_versions ADD COLUMN decided_ns BIGINT;
ALTER TABLE eval_agent_versions ADD COLUMN decision TEXT;

-- The current version of an agent is its latest promoted one.
CREATE INDEX eval_agent_versions_by_status ON eval_agent_versions (project_id, agent, status, decided_ns);

-- Content-addressed artifacts that versions point to by hash (adapter weights, exported snapshots): hash is the
-- SHA-256 of the bytes in lower-case hex, so the same bytes are stored once per project and never change.
CREATE TABLE artifacts (
    project_id  TEXT     NOT NULL,
    hash        TEXT     NOT NULL,
    media_type  TEXT     NOT NULL,
    size        BIGINT   NOT NULL,
    bytes       BLOB     NOT NULL,
    created_ns  BIGINT   NOT NULL,
    PRIMARY KEY (project_id, hash)
);
