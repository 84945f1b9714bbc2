-- Per-target locks (SPEC §3). Every target gets a stable integer id, kept
-- across remove and re-apply of its name, that keys its lock: a byte of
-- <db>.lock on SQLite, an advisory lock on PostgreSQL. The kernel and the
-- server do not say who holds a lock, so each holder records itself in
-- target_locks when it takes one (the row stays, stale, after the release).
-- epoch counts the takings: a run that lost its PostgreSQL session and takes
-- a lock again sees from it whether another run had the target meanwhile.
ALTER TABLE targets ADD COLUMN id BIGINT;
UPDATE targets SET id = (SELECT count(*) FROM targets t2 WHERE t2.name <= targets.name);
CREATE UNIQUE INDEX targets_by_id ON targets (id);

CREATE TABLE target_locks (
  target_id BIGINT PRIMARY KEY,
  run_id    BIGINT NOT NULL,
  locked_at BIGINT NOT NULL,
  epoch     BIGINT NOT NULL
);
