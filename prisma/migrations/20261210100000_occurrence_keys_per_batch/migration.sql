-- occurrences' foreign keys to species and datasets cost PostgreSQL about 8 µs of CPU for every
-- record written (one referential-integrity query per key per row: an insert of 300 000 rows took
-- 15 µs a row with them, 7 without; docs/performance.md). The one writer of those columns, the
-- sync's merge (lib/sync/upsert.ts), checks and locks (FOR KEY SHARE) a batch's distinct keys in
-- one statement instead. Deleting a species or dataset that records still name is refused here,
-- as the keys refused it; nothing deletes either today.
ALTER TABLE occurrences
  DROP CONSTRAINT occurrences_species_id_fkey,
  DROP CONSTRAINT occurrences_dataset_id_fkey;

CREATE FUNCTION refuse_delete_while_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'species' THEN
    PERFORM 1 FROM occurrences o JOIN gone g ON o.species_id = g.id LIMIT 1;
  ELSE
    PERFORM 1 FROM occurrences o JOIN gone g ON o.dataset_id = g.id LIMIT 1;
  END IF;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format('cannot delete from %s: occurrences still name the row(s)', TG_TABLE_NAME);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER species_delete_while_named AFTER DELETE ON species
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete_while_named();
CREATE TRIGGER datasets_delete_while_named AFTER DELETE ON datasets
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete_while_named();
