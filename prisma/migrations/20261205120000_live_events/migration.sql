-- Live updates (lib/events, docs/events.md): the database says what changed, on the channel
-- `edgar_events`, whoever changed it (the worker, a web process, `npm run sync`, SQL). NOTIFY is
-- delivered when the transaction commits, so a listener never hears of a change it cannot read yet.
-- Payloads carry ids and versions only, never a record's position.
CREATE SEQUENCE event_ids;

CREATE FUNCTION notify_edgar_event(kind text, body jsonb) RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('edgar_events', (jsonb_build_object('id', nextval('event_ids'), 'type', kind) || body)::text)
$$;

-- A species' records or categories changed (a sync, an applied vetting): its tiles are new.
CREATE FUNCTION notify_species_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_edgar_event('species', jsonb_build_object('speciesId', NEW.id, 'dataVersion', NEW.data_version));
  RETURN NULL;
END $$;
CREATE TRIGGER species_notify_version AFTER UPDATE OF data_version ON species
  FOR EACH ROW WHEN (OLD.data_version IS DISTINCT FROM NEW.data_version) EXECUTE FUNCTION notify_species_version();

-- A vetting was made, changed (a comment included) or deleted: outlines change, and a
-- re-classification starts (the species reports `reclassifying`).
CREATE FUNCTION notify_vetting_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM notify_edgar_event('vettings', jsonb_build_object('speciesId', OLD.species_id));
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.species_id <> OLD.species_id) THEN
    PERFORM notify_edgar_event('vettings', jsonb_build_object('speciesId', NEW.species_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER vettings_notify AFTER INSERT OR UPDATE OR DELETE ON vettings
  FOR EACH ROW EXECUTE FUNCTION notify_vetting_change();

-- A re-classification consumed its species' queue: `reclassifying` ends, also when no category
-- moved and so the data version stayed.
CREATE FUNCTION notify_reclassified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_edgar_event('species', jsonb_build_object('speciesId', s.id, 'dataVersion', s.data_version))
     FROM species s WHERE s.id IN (SELECT DISTINCT species_id FROM consumed);
  RETURN NULL;
END $$;
CREATE TRIGGER vetting_changes_notify AFTER DELETE ON vetting_changes
  REFERENCING OLD TABLE AS consumed FOR EACH STATEMENT EXECUTE FUNCTION notify_reclassified();

-- A species' range products were (re)built.
CREATE FUNCTION notify_distribution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_edgar_event('distribution', jsonb_build_object('speciesId', NEW.species_id, 'dataVersion', NEW.data_version));
  RETURN NULL;
END $$;
CREATE TRIGGER species_distributions_notify AFTER INSERT OR UPDATE ON species_distributions
  FOR EACH ROW EXECUTE FUNCTION notify_distribution();

-- A sync run was queued, progressed or ended (admins only: lib/events keeps it off public streams).
-- The 5-second heartbeat alone says nothing new and is not announced.
CREATE FUNCTION notify_sync_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD.status, OLD.phase, OLD.done, OLD.total, OLD.added, OLD.updated, OLD.deleted, OLD.skipped, OLD.message, OLD.error)
         IS NOT DISTINCT FROM (NEW.status, NEW.phase, NEW.done, NEW.total, NEW.added, NEW.updated, NEW.deleted, NEW.skipped, NEW.message, NEW.error) THEN
    RETURN NULL;
  END IF;
  PERFORM notify_edgar_event('sync', jsonb_build_object(
    'runId', NEW.id, 'status', NEW.status, 'phase', NEW.phase, 'done', NEW.done, 'total', NEW.total,
    'added', NEW.added, 'updated', NEW.updated, 'deleted', NEW.deleted, 'skipped', NEW.skipped, 'message', NEW.message));
  RETURN NULL;
END $$;
CREATE TRIGGER sync_runs_notify AFTER INSERT OR UPDATE ON sync_runs
  FOR EACH ROW EXECUTE FUNCTION notify_sync_run();
