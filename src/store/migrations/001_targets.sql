-- Targets and their immutable revisions. A target's definition is stored as
-- canonical TOML with ${env:}/${file:} references as written. Times are
-- milliseconds since the epoch, UTC. (Each migration is written once for both
-- backends; {{id}} is the dialect's auto-increment primary key.)
CREATE TABLE targets (
  name       TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  removed_at BIGINT
);

CREATE TABLE target_revisions (
  target     TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  definition TEXT NOT NULL,
  source     TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (target, revision)
);
