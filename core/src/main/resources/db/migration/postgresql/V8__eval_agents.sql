-- Same schema as sqlite/V8: keep the two files in step. Instants are epoch nanoseconds (BIGINT).

-- The agents a project runs suites against, by name: where each runs (an HTTP endpoint of the agent contract, or
-- the name of an in-process agent that the server embeds) and how long one case's request may take. Updating an
-- agent changes where it runs, never what its versions are.
CREATE TABLE eval_agents (
    project_id  TEXT     NOT NULL,
    name        TEXT     NOT NULL,
    endpoint    TEXT,
    builtin     TEXT,
    timeout_ms  BIGINT,
    created_ns  BIGINT   NOT NULL,
    updated_ns  BIGINT   NOT NULL,
    PRIMARY KEY (project_id, name)
);

-- Each version's configuration, handed to the agent with every case of a run of that version. Immutable: a
-- version is registered once; registering it again with another configuration is refused.
CREATE TABLE eval_agent_versions (
    project_id     TEXT     NOT NULL,
    agent          TEXT     NOT NULL,
    version        TEXT     NOT NULL,
    configuration  TEXT,
    created_ns     BIGINT   NOT NULL,
    PRIMARY KEY (project_id, agent, version)
);
