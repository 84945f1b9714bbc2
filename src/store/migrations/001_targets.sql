-- Targets and their immutable revisions. A target's definition is stored as
-- canonical TOML with ${env:}/${file:} references as written.
CREATE TABLE targets (
  name       TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  removed_at INTEGER
);

CREATE TABLE target_revisions (
  target     TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  definition TEXT NOT NULL,
  source     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (target, revision)
);
