-- Same schema as postgresql/V10: keep the two files in step.

-- The number of active items of each agent, kept by the memory store in the transaction that changes a status
-- (a write that creates, merges, supersedes; capacity pruning), so that the capacity check on every write reads
-- one row instead of counting the agent's items (which grows with the memory). Whatever changes the status of
-- memory_items must change this count in the same transaction.
CREATE TABLE memory_active_counts (
    project_id  TEXT    NOT NULL,
    agent       TEXT    NOT NULL,
    active      BIGINT  NOT NULL,
    PRIMARY KEY (project_id, agent)
);

INSERT INTO memory_active_counts (project_id, agent, active)
SELECT project_id, agent, COUNT(*) FROM memory_items WHERE status = 'active' GROUP BY project_id, agent;
