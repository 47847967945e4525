-- The range and the cells are written once per build and sent out as they are (the map's layer):
-- json keeps the text it was given, where jsonb parsed it on the way in and wrote it out again on
-- every answer (for the 1.2 M-record species about 11 MB: most of the layer's time in PostgreSQL).
-- Nothing queries inside them.
ALTER TABLE species_distributions
  ALTER COLUMN range TYPE json USING range::json,
  ALTER COLUMN cells TYPE json USING cells::json;
