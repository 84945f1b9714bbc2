-- Who made each revision and on which host (the command is in `source`), and
-- every removal of a target, so that `revisions` lists removals too and
-- `show` can say when a target was removed. Rows from before this version
-- have empty authors.
ALTER TABLE target_revisions ADD COLUMN made_by TEXT NOT NULL DEFAULT '';
ALTER TABLE target_revisions ADD COLUMN made_on TEXT NOT NULL DEFAULT '';

CREATE TABLE target_removals (
  target     TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  removed_at BIGINT NOT NULL,
  made_by    TEXT NOT NULL DEFAULT '',
  made_on    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (target, revision)
);
