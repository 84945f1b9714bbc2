-- Due work found by index (SPEC §3): quiet_until is a time before which a
-- scheduled run knows the target has nothing to do, so that a run reads and
-- parses only the targets at or past it (and those with open refreshes).
-- It is a cache of what the planner would compute from the target's
-- revision and its refreshes, never a source of truth: a new revision sets
-- it to 0 (check at the next run), a disabled one to "never"; only a
-- scheduled run at the real time, over all targets, moves it forward, to the
-- target's next slot, once it found the due slot wholly done.
ALTER TABLE targets ADD COLUMN quiet_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX targets_by_quiet_until ON targets (quiet_until);
