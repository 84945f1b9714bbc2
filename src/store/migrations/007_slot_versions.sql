-- Versions read at run time (versions_from, SPEC §10): the list a target read
-- for a slot, as a JSON array of strings. It is read once per slot, so that
-- every later run of the slot (a retry, a run after a kill) triggers the same
-- versions without asking the service again.
CREATE TABLE slot_versions (
  target     TEXT NOT NULL,
  slot       BIGINT NOT NULL,
  versions   TEXT NOT NULL,
  fetched_at BIGINT NOT NULL,
  PRIMARY KEY (target, slot)
);
