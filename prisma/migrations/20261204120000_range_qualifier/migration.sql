-- A known-valid vetting may say what kind of range its records are (the original Edgar's
-- vetting classes): 1 core, 2 introduced, 3 vagrant, 4 irruptive, 5 historic (lib/domain/codes.ts).
-- Distribution products leave vagrant and historic records out by default (docs/distribution.md).
ALTER TABLE vettings ADD COLUMN range_qualifier smallint
  CHECK (range_qualifier IS NULL OR (range_qualifier BETWEEN 1 AND 5 AND classification = 1));
ALTER TABLE vetting_revisions ADD COLUMN range_qualifier smallint;
