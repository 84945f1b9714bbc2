-- Every failure alert and health ping a run sent or failed to send
-- ([target.notify], SPEC §4), so that a missing alert can be explained.
-- run_uuid is the run's id towards the outside world (the `rid` of a
-- healthchecks.io ping); refresh_id is 0 for a ping. A URL is kept as the
-- target writes it: references unresolved, never a secret.
CREATE TABLE notifications (
  id          {{id}},
  run_id      BIGINT NOT NULL,
  run_uuid    TEXT NOT NULL,
  target      TEXT NOT NULL,
  refresh_id  BIGINT NOT NULL DEFAULT 0,
  kind        TEXT NOT NULL,
  url         TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  http_status INTEGER NOT NULL DEFAULT 0,
  error       TEXT NOT NULL DEFAULT '',
  sent_at     BIGINT NOT NULL
);

CREATE INDEX notifications_by_run ON notifications (run_id);
