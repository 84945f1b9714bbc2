-- What `list` shows of a revision (data type, versions, schedule, time zone,
-- enabled, after), as a small JSON object written with the revision, so that
-- `list` over 100,000 targets reads it instead of parsing every revision's
-- TOML. Derived from `definition`, never edited apart from it; NULL for
-- revisions made before this schema version (`list` then reads the TOML).
ALTER TABLE target_revisions ADD COLUMN summary TEXT;
