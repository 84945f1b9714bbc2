-- Runs and the refresh history. Times are milliseconds since the epoch, UTC.
-- The unique key is the final guarantee that a (target, version, slot,
-- attempt) is triggered at most once.
CREATE TABLE runs (
  id          {{id}},
  started_at  BIGINT NOT NULL,
  finished_at BIGINT,
  host        TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  outcome     TEXT
);

CREATE TABLE refreshes (
  id           {{id}},
  run_id       BIGINT NOT NULL REFERENCES runs (id),
  target       TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  version      TEXT NOT NULL,
  slot         BIGINT NOT NULL,
  attempt      INTEGER NOT NULL,
  state        TEXT NOT NULL,
  started_at   BIGINT NOT NULL,
  triggered_at BIGINT,
  finished_at  BIGINT,
  deadline     BIGINT,
  polls        INTEGER NOT NULL DEFAULT 0,
  job_id       TEXT NOT NULL DEFAULT '',
  http_status  INTEGER NOT NULL DEFAULT 0,
  error        TEXT NOT NULL DEFAULT '',
  UNIQUE (target, version, slot, attempt)
);

CREATE INDEX refreshes_by_target_slot ON refreshes (target, slot);
CREATE INDEX refreshes_by_state ON refreshes (state);
