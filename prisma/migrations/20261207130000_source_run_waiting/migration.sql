-- A GBIF run is visible while GBIF prepares its download (docs/sources.md, "GBIF downloads"): its
-- source_runs row is made when the run starts, `waiting` until the download is ready and the run
-- holds the sync lock, then `running` (importing), then its outcome. It carries the download's key,
-- GBIF's last status of it (PREPARING, RUNNING, SUCCEEDED…) and when the download was asked for (a
-- run after a restart polls the same checkpointed key, so the wait is counted from the request).
ALTER TABLE source_runs ADD COLUMN download_key text, ADD COLUMN download_status text, ADD COLUMN waiting_since timestamptz(3);

-- A source's run started, moved on (waiting → running → outcome, or GBIF's status of its download)
-- or ended: announced on the admins' stream (docs/events.md), so the Sources panel need not poll.
CREATE FUNCTION notify_source_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD.status, OLD.download_key, OLD.download_status) IS NOT DISTINCT FROM (NEW.status, NEW.download_key, NEW.download_status) THEN
    RETURN NULL;
  END IF;
  PERFORM notify_edgar_event('source', jsonb_build_object(
    'runId', NEW.id, 'sourceId', NEW.source_id, 'status', NEW.status, 'downloadStatus', NEW.download_status));
  RETURN NULL;
END $$;
CREATE TRIGGER source_runs_notify AFTER INSERT OR UPDATE ON source_runs
  FOR EACH ROW EXECUTE FUNCTION notify_source_run();
