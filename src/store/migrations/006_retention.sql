-- Retention and history at scale. `retention` has one row: when `run` last
-- started pruning old history (keep_history) and how many refreshes it
-- deleted, so that it prunes at most once an hour whichever host runs it.
-- The indexes serve `history` newest first (all, by target, by state) with
-- a short index scan instead of a sort of the whole table, and retention's
-- per-target search for old rows.
CREATE TABLE retention (
  id           INTEGER PRIMARY KEY,
  last_started BIGINT NOT NULL,
  last_deleted BIGINT NOT NULL DEFAULT 0
);
INSERT INTO retention (id, last_started) VALUES (1, 0);

CREATE INDEX refreshes_by_started ON refreshes (started_at, id);
CREATE INDEX refreshes_by_target_started ON refreshes (target, started_at, id);
CREATE INDEX refreshes_by_state_started ON refreshes (state, started_at, id);
DROP INDEX refreshes_by_state;
