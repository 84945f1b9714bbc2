-- PostgreSQL keeps target_last (schema 10) once per statement instead of
-- once per row: a run's batched write of 200 state changes ran the row
-- trigger 200 times (17 µs each, as long as the update itself), and a claim
-- batch inserts its refreshes in one statement. Each trigger reads the
-- statement's rows as a transition table. SQLite has no statement triggers
-- (and its row triggers cost little in-process): unchanged there.

-- {{postgres}}
DROP TRIGGER refreshes_newest_insert ON refreshes;
DROP TRIGGER refreshes_newest_state ON refreshes;
DROP FUNCTION refreshes_newest_insert();
DROP FUNCTION refreshes_newest_state();

-- Of a statement's new refreshes, each target's newest, if newer than its
-- last.
CREATE FUNCTION refreshes_newest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO target_last AS l (target, refresh, started_at, state)
  SELECT DISTINCT ON (i.target) i.target, i.id, i.started_at, i.state FROM inserted i
  ORDER BY i.target, i.started_at DESC, i.id DESC
  ON CONFLICT (target) DO UPDATE SET
    refresh = EXCLUDED.refresh, started_at = EXCLUDED.started_at, state = EXCLUDED.state
  WHERE (EXCLUDED.started_at, EXCLUDED.refresh) > (l.started_at, l.refresh);
  RETURN NULL;
END $$;
CREATE TRIGGER refreshes_newest_insert AFTER INSERT ON refreshes
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION refreshes_newest_insert();

-- (A trigger with a transition table cannot name columns: every UPDATE
-- fires it, and only a changed state of a target's last refresh writes.)
-- A transition table has no statistics: the planner would hash all of
-- target_last for a batch of 200 rows (slower than the row trigger it
-- replaces); each row is looked up by the primary key instead.
CREATE FUNCTION refreshes_newest_state() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  UPDATE target_last l SET state = u.state FROM updated u
  WHERE l.target = u.target AND l.refresh = u.id AND l.state IS DISTINCT FROM u.state;
  RETURN NULL;
END $$;
CREATE TRIGGER refreshes_newest_state AFTER UPDATE ON refreshes
REFERENCING NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION refreshes_newest_state();
