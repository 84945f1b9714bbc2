-- The newest refresh of each target (by started_at, then id, as `history`
-- orders them) and its state, so that `list` reads 10,000 rows instead of
-- probing a history of millions once per target. Kept true by the triggers
-- below on every insert, state change and delete of a refresh, whoever
-- writes it; never written by the program itself.
CREATE TABLE target_last (
  target     TEXT PRIMARY KEY,
  refresh    BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  state      TEXT NOT NULL
);

INSERT INTO target_last (target, refresh, started_at, state)
SELECT f.target, f.id, f.started_at, f.state
FROM targets t JOIN refreshes f ON f.id = (
  SELECT n.id FROM refreshes n WHERE n.target = t.name
  ORDER BY n.started_at DESC, n.id DESC LIMIT 1);

-- {{sqlite}}
CREATE TRIGGER refreshes_newest_insert AFTER INSERT ON refreshes BEGIN
  INSERT INTO target_last (target, refresh, started_at, state)
  VALUES (NEW.target, NEW.id, NEW.started_at, NEW.state)
  ON CONFLICT (target) DO UPDATE SET
    refresh = excluded.refresh, started_at = excluded.started_at, state = excluded.state
  WHERE (excluded.started_at, excluded.refresh) > (target_last.started_at, target_last.refresh);
END;

CREATE TRIGGER refreshes_newest_state AFTER UPDATE OF state ON refreshes
WHEN NEW.state <> OLD.state BEGIN
  UPDATE target_last SET state = NEW.state WHERE target = NEW.target AND refresh = NEW.id;
END;

-- Deleting the newest (a prune of a target's whole history, say): the next
-- newest takes its place, or none.
CREATE TRIGGER refreshes_newest_delete AFTER DELETE ON refreshes
WHEN EXISTS (SELECT 1 FROM target_last WHERE target = OLD.target AND refresh = OLD.id) BEGIN
  DELETE FROM target_last WHERE target = OLD.target;
  INSERT INTO target_last (target, refresh, started_at, state)
  SELECT f.target, f.id, f.started_at, f.state FROM refreshes f WHERE f.target = OLD.target
  ORDER BY f.started_at DESC, f.id DESC LIMIT 1;
END;

-- {{postgres}}
CREATE FUNCTION refreshes_newest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO target_last AS l (target, refresh, started_at, state)
  VALUES (NEW.target, NEW.id, NEW.started_at, NEW.state)
  ON CONFLICT (target) DO UPDATE SET
    refresh = EXCLUDED.refresh, started_at = EXCLUDED.started_at, state = EXCLUDED.state
  WHERE (EXCLUDED.started_at, EXCLUDED.refresh) > (l.started_at, l.refresh);
  RETURN NULL;
END $$;
CREATE TRIGGER refreshes_newest_insert AFTER INSERT ON refreshes
FOR EACH ROW EXECUTE FUNCTION refreshes_newest_insert();

CREATE FUNCTION refreshes_newest_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE target_last SET state = NEW.state WHERE target = NEW.target AND refresh = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER refreshes_newest_state AFTER UPDATE OF state ON refreshes
FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state) EXECUTE FUNCTION refreshes_newest_state();

-- Once per DELETE statement (a prune batch), over the rows it deleted.
CREATE FUNCTION refreshes_newest_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM target_last l USING deleted d WHERE l.refresh = d.id;
  IF FOUND THEN
    INSERT INTO target_last (target, refresh, started_at, state)
    SELECT DISTINCT ON (f.target) f.target, f.id, f.started_at, f.state FROM refreshes f
    WHERE f.target IN (SELECT d.target FROM deleted d)
      AND NOT EXISTS (SELECT 1 FROM target_last l WHERE l.target = f.target)
    ORDER BY f.target, f.started_at DESC, f.id DESC;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER refreshes_newest_delete AFTER DELETE ON refreshes
REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION refreshes_newest_delete();
