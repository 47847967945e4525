-- A species' model changed status or version (queued, fitting, ready, failed, not enough records):
-- an open species page asks for its model again instead of waiting for a reload. The fit's
-- heartbeat alone says nothing new and is not announced.
CREATE FUNCTION notify_model() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.status, OLD.version) IS NOT DISTINCT FROM (NEW.status, NEW.version) THEN
    RETURN NULL;
  END IF;
  PERFORM notify_edgar_event('model', jsonb_build_object('speciesId', NEW.species_id, 'version', NEW.version));
  RETURN NULL;
END $$;
CREATE TRIGGER species_models_notify AFTER INSERT OR UPDATE ON species_models
  FOR EACH ROW EXECUTE FUNCTION notify_model();
