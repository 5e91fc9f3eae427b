-- Same schema as postgresql/V7: keep the two files in step. Instants are epoch nanoseconds (BIGINT), JSON values are text.

-- A dataset version is immutable and content-addressed: content_hash is the SHA-256 of the normalised spec and the
-- sorted hashes of the version's examples, and id is "ds_" + its first 32 hex digits, so the same spec over the same
-- data gives the same id and building it again stores nothing new. manifest is the whole manifest as JSON (counts at
-- every stage, exclusions by reason, redaction counts, the spec, every file with its SHA-256); the files themselves
-- live in the dataset directory under <project>/<id>/.
CREATE TABLE dataset_versions (
    project_id        TEXT     NOT NULL,
    id                TEXT     NOT NULL,
    name              TEXT     NOT NULL,
    content_hash      TEXT     NOT NULL,
    spec_hash         TEXT     NOT NULL,
    pipeline_version  TEXT     NOT NULL,
    example_count     BIGINT   NOT NULL,
    manifest          TEXT     NOT NULL,
    created_ns        BIGINT   NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX dataset_versions_by_name ON dataset_versions (project_id, name, created_ns);

-- Builds run asynchronously. status: queued, running, succeeded, failed. owner is the process that runs the build;
-- it refreshes updated_ns of its unfinished builds while it lives, so any replica can tell a build whose process died
-- (not refreshed for a while) from one that is merely long. errors is a JSON list of {field, reason}.
CREATE TABLE dataset_builds (
    project_id   TEXT     NOT NULL,
    id           TEXT     NOT NULL,
    name         TEXT     NOT NULL,
    spec         TEXT     NOT NULL,
    owner        TEXT     NOT NULL,
    status       TEXT     NOT NULL,
    stage        TEXT,
    done         BIGINT   NOT NULL,
    total        BIGINT   NOT NULL,
    version_id   TEXT,
    message      TEXT,
    errors       TEXT,
    created_ns   BIGINT   NOT NULL,
    updated_ns   BIGINT   NOT NULL,
    finished_ns  BIGINT,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX dataset_builds_by_time ON dataset_builds (project_id, created_ns);
