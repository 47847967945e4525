-- Species search matches the beginning of any word of the scientific or common name ("wren" finds
-- "Superb Fairy-wren"): a GIN index over the names' words, queried with prefix tsqueries
-- (lib/species/search.ts repeats this expression exactly). The 'simple' configuration only
-- lower-cases: no stemming or stop words, which would break prefixes of names.
CREATE INDEX species_name_words ON species USING gin (to_tsvector('simple'::regconfig, scientific_name || ' ' || coalesce(common_name, '')));
