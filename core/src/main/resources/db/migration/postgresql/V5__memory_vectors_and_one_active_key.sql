-- Same schema as sqlite/V4: keep the two files in step (only the vector's column type differs).

-- Each item's vector (float32, little-endian, L2-normalised) and the model that made it, so that the index
-- can be rebuilt without the model; NULL for items written before this migration (re-embedded on reindex).
ALTER TABLE memory_items ADD COLUMN vector BYTEA;
ALTER TABLE memory_items ADD COLUMN vector_model TEXT;

-- At most one active item per key and scope, enforced by the database, so that two processes writing the
-- same key cannot both keep theirs. Two writers that raced before this migration may have left duplicates:
-- the newest (created_ns, then id) stays active and supersedes the others, as a later write would have.
-- Their updated_ns moves past every other one, so a memory index catches up with the change.
CREATE TEMPORARY TABLE memory_v4_superseded AS
SELECT project_id, id, successor, successor_created,
       (SELECT MAX(updated_ns) FROM memory_items) + 1 AS stamp
FROM (
    SELECT project_id, id,
           FIRST_VALUE(id) OVER scope AS successor,
           FIRST_VALUE(created_ns) OVER scope AS successor_created,
           ROW_NUMBER() OVER scope AS position
    FROM memory_items
    WHERE status = 'active' AND key IS NOT NULL
    WINDOW scope AS (PARTITION BY project_id, agent, COALESCE(user_id, ''), COALESCE(session_id, ''), key
                     ORDER BY created_ns DESC, id DESC)
) ranked
WHERE position > 1;

UPDATE memory_items SET
    status = 'superseded',
    superseded_by = (SELECT s.successor FROM memory_v4_superseded s
                     WHERE s.project_id = memory_items.project_id AND s.id = memory_items.id),
    valid_to_ns = (SELECT CASE WHEN memory_items.valid_to_ns IS NULL OR memory_items.valid_to_ns > s.successor_created
                               THEN s.successor_created ELSE memory_items.valid_to_ns END
                   FROM memory_v4_superseded s
                   WHERE s.project_id = memory_items.project_id AND s.id = memory_items.id),
    updated_ns = (SELECT s.stamp FROM memory_v4_superseded s
                  WHERE s.project_id = memory_items.project_id AND s.id = memory_items.id)
WHERE EXISTS (SELECT 1 FROM memory_v4_superseded s
              WHERE s.project_id = memory_items.project_id AND s.id = memory_items.id);

DROP TABLE memory_v4_superseded;

-- user_id and session_id are NULL for shared items; COALESCE makes two shared items of a key collide (a
-- plain unique index treats NULLs as distinct). A user or session is never '' (the store refuses blanks).
CREATE UNIQUE INDEX memory_items_one_active_key ON memory_items
    (project_id, agent, COALESCE(user_id, ''), COALESCE(session_id, ''), key)
    WHERE status = 'active' AND key IS NOT NULL;

-- The index's catch-up reads what changed since a point in time, and polls the latest change.
CREATE INDEX memory_items_by_updated ON memory_items (updated_ns, project_id, id);
