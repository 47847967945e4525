-- What vettings decided about each record, packed per species: byte (id & 2047) of chunk (id >> 11)
-- is 0 when no live vetting covers the record (its rating stands), otherwise
-- classification * 2 + contentious. Re-classifying a million records rewrites about 500 rows of
-- 2 KB instead of a million rows of occurrences (lib/vetting/states.ts). Only chunks holding a
-- non-zero byte are stored, so a species nobody vetted has none.
CREATE TABLE classification_states (
  species_id integer NOT NULL REFERENCES species(id),
  chunk      integer NOT NULL,
  states     bytea NOT NULL CHECK (length(states) = 2048),
  PRIMARY KEY (species_id, chunk)
);
-- Kept inline and uncompressed: a reader takes one byte per record, and a compressed or toasted
-- value would be expanded again for every record.
ALTER TABLE classification_states ALTER COLUMN states SET STORAGE PLAIN;

-- Carry over what vettings decided so far (vetted records are those off their rating, or contentious).
INSERT INTO classification_states (species_id, chunk, states)
SELECT c.species_id, c.chunk,
       decode(string_agg(lpad(to_hex(coalesce(d.state, 0)), 2, '0'), '' ORDER BY p.pos), 'hex')
  FROM (SELECT DISTINCT species_id, id >> 11 AS chunk FROM occurrences WHERE classification <> rating OR contentious) c
  CROSS JOIN generate_series(0, 2047) AS p(pos)
  LEFT JOIN (SELECT species_id, id >> 11 AS chunk, id & 2047 AS pos, classification * 2 + contentious::int AS state
               FROM occurrences WHERE classification <> rating OR contentious) d
         ON d.species_id = c.species_id AND d.chunk = c.chunk AND d.pos = p.pos
 GROUP BY c.species_id, c.chunk;

ALTER TABLE occurrences DROP COLUMN classification, DROP COLUMN contentious;
-- The free space 20261129180000 left for in-place re-classification is no longer needed.
ALTER TABLE occurrences RESET (fillfactor);

-- THE way to read a record's classification and contentious flag. The join is to one chunk row
-- per 2048 records, and PostgreSQL drops it from queries that use neither column.
CREATE VIEW classified_occurrences AS
SELECT o.*,
       CASE WHEN s.state = 0 THEN o.rating ELSE s.state >> 1 END::smallint AS classification,
       (s.state & 1) = 1 AS contentious
  FROM occurrences o
  LEFT JOIN classification_states c ON c.species_id = o.species_id AND c.chunk = o.id >> 11
  CROSS JOIN LATERAL (SELECT coalesce(get_byte(c.states, o.id & 2047), 0) AS state) s;

-- The view joins on id >> 11: without statistics on that expression the planner takes each
-- record to match several chunks and misjudges every query over the view by a factor of four.
CREATE STATISTICS occurrences_chunk ON (id >> 11) FROM occurrences;
