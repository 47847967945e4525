-- Expert range polygons imported as vettings (docs/range-imports.md) and the outbox of vetting
-- changes pushed to the ALA's vetting service (docs/vetting.md, "Vettings out to the ALA").

-- A "source" account stands for an organisation whose polygons were imported (BirdLife Australia):
-- it owns the vettings so they are attributable, and it can never sign in (lib/auth/server.ts).
ALTER TABLE "user" ADD COLUMN kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'source'));

CREATE TABLE range_imports (
  id              serial PRIMARY KEY,
  source_user_id  text NOT NULL REFERENCES "user" (id),
  file_name       text NOT NULL,
  name_field      text NOT NULL,
  class_field     text NOT NULL,
  qualifier_field text,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- What came in and what was made of it: features, vettings, skipped, simplified, unmatched names, bad features.
  report          jsonb NOT NULL,
  removed_at      timestamptz(3)
);

ALTER TABLE vettings ADD COLUMN range_import_id integer REFERENCES range_imports (id);
CREATE INDEX vettings_range_import_id_idx ON vettings (range_import_id) WHERE range_import_id IS NOT NULL;

-- One row per vetting that the ALA should hear about; `version` moves with every change, so a push
-- of an older version never marks a newer one sent. state: pending | sent | refused.
CREATE TABLE vetting_outbox (
  vetting_id      integer PRIMARY KEY,
  version         integer NOT NULL DEFAULT 1,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'refused')),
  -- The ALA has been told of the vetting (a delete of one it never heard of sends nothing).
  remote_known    boolean NOT NULL DEFAULT false,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  last_error      text,
  refused_reason  text,
  sent_at         timestamptz(3),
  changed_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX vetting_outbox_due_idx ON vetting_outbox (next_attempt_at) WHERE state = 'pending';

-- Queued in the same transaction as the change, whoever makes it (API, /ws, SQL). Vettings of
-- source accounts are third-party ranges, not Edgar's experts' judgements: they are not pushed.
CREATE FUNCTION queue_vetting_push() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v record;
BEGIN
  IF TG_OP = 'DELETE' THEN v := OLD; ELSE v := NEW; END IF;
  IF TG_OP = 'UPDATE'
     AND (OLD.species_id, OLD.classification, OLD.range_qualifier, OLD.area, OLD.comment, OLD.updated_at, OLD.deleted_at)
         IS NOT DISTINCT FROM (NEW.species_id, NEW.classification, NEW.range_qualifier, NEW.area, NEW.comment, NEW.updated_at, NEW.deleted_at) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM "user" WHERE id = v.author_id AND kind = 'source') THEN
    RETURN NULL;
  END IF;
  INSERT INTO vetting_outbox (vetting_id) VALUES (v.id)
  ON CONFLICT (vetting_id) DO UPDATE
    SET version = vetting_outbox.version + 1, state = 'pending', attempts = 0, next_attempt_at = now(),
        last_error = NULL, refused_reason = NULL, changed_at = now();
  RETURN NULL;
END $$;

CREATE TRIGGER vettings_queue_push AFTER INSERT OR UPDATE OR DELETE ON vettings
  FOR EACH ROW EXECUTE FUNCTION queue_vetting_push();
