-- A source's record count as its last successful run left it (docs/sources.md): the Sources
-- listing read a count(*) of the source's records on every look, seconds for a GBIF source of
-- tens of millions. Counted once at the end of each successful run instead; runs before this
-- migration get today's count on their source's latest success.
ALTER TABLE source_runs ADD COLUMN records integer;

UPDATE source_runs r SET records = (SELECT count(*)::int FROM occurrences o WHERE o.source = r.source_id)
WHERE r.id IN (SELECT max(id) FROM source_runs WHERE status = 'succeeded' GROUP BY source_id);
