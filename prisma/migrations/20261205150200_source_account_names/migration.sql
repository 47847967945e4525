-- One source account per name (any case), also when two imports name a new source at once.
CREATE UNIQUE INDEX user_source_name_key ON "user" (lower(name)) WHERE kind = 'source';
