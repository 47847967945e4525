-- Edgar's initial schema. Mirrors prisma/schema.prisma (test/schema-drift.test.ts checks it).

CREATE TABLE species (
  id                    SERIAL PRIMARY KEY,
  guid                  text NOT NULL UNIQUE,
  scientific_name       text NOT NULL,
  common_name           text,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'retired')),
  accepted_species_id   integer REFERENCES species(id),
  occurrence_count      integer NOT NULL DEFAULT 0,
  known_valid_count     integer NOT NULL DEFAULT 0,
  assumed_valid_count   integer NOT NULL DEFAULT 0,
  assumed_invalid_count integer NOT NULL DEFAULT 0,
  known_invalid_count   integer NOT NULL DEFAULT 0,
  contentious_count     integer NOT NULL DEFAULT 0,
  remote_count          integer,
  data_version          integer NOT NULL DEFAULT 1,
  last_synced_at        timestamptz(3),
  created_at            timestamptz(3) NOT NULL DEFAULT now(),
  updated_at            timestamptz(3) NOT NULL DEFAULT now()
);
-- Prefix, case-insensitive name search (GET /api/species?q=).
CREATE INDEX species_scientific_name_prefix ON species (lower(scientific_name) text_pattern_ops);
CREATE INDEX species_common_name_prefix ON species (lower(common_name) text_pattern_ops);

CREATE TABLE datasets (
  id            SERIAL PRIMARY KEY,
  uid           text NOT NULL UNIQUE,
  name          text,
  provider_name text,
  license       text
);

-- Column order packs the row: 8-byte, then 4-byte, then 2-byte, then 1-byte columns.
CREATE TABLE occurrences (
  assertions        bigint NOT NULL DEFAULT 0,
  source_loaded_at  timestamptz(3),
  source_id         uuid NOT NULL,
  id                SERIAL PRIMARY KEY,
  species_id        integer NOT NULL REFERENCES species(id),
  dataset_id        integer REFERENCES datasets(id),
  lat               real,
  lon               real,
  uncertainty_m     real,
  event_date        date,
  source            smallint NOT NULL,
  year              smallint,
  basis_of_record   smallint NOT NULL,
  duplicate_status  smallint NOT NULL DEFAULT 0,
  rating            smallint NOT NULL,
  classification    smallint NOT NULL,
  sensitive         boolean NOT NULL DEFAULT false,
  contentious       boolean NOT NULL DEFAULT false,
  CONSTRAINT occurrences_source_source_id_key UNIQUE (source, source_id)
);
CREATE INDEX occurrences_species_id_idx ON occurrences (species_id);

CREATE TABLE sensitive_coordinates (
  occurrence_id integer PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
  lat           double precision NOT NULL,
  lon           double precision NOT NULL
);

CREATE TABLE occurrence_images (
  occurrence_id integer PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
  image_id      text NOT NULL,
  thumbnail_url text,
  image_url     text,
  creator       text,
  rights_holder text,
  license       text,
  fetched_at    timestamptz(3)
);

CREATE TABLE "user" (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  email           text NOT NULL UNIQUE,
  "emailVerified" boolean NOT NULL DEFAULT false,
  image           text,
  role            text NOT NULL DEFAULT 'researcher' CHECK (role IN ('researcher', 'expert', 'admin')),
  disabled        boolean NOT NULL DEFAULT false,
  "createdAt"     timestamptz(3) NOT NULL DEFAULT now(),
  "updatedAt"     timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE session (
  id          text PRIMARY KEY,
  "expiresAt" timestamptz(3) NOT NULL,
  token       text NOT NULL UNIQUE,
  "createdAt" timestamptz(3) NOT NULL DEFAULT now(),
  "updatedAt" timestamptz(3) NOT NULL DEFAULT now(),
  "ipAddress" text,
  "userAgent" text,
  "userId"    text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE
);
CREATE INDEX "session_userId_idx" ON session ("userId");

CREATE TABLE account (
  id                      text PRIMARY KEY,
  "accountId"             text NOT NULL,
  "providerId"            text NOT NULL,
  "userId"                text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  "accessToken"           text,
  "refreshToken"          text,
  "idToken"               text,
  "accessTokenExpiresAt"  timestamptz(3),
  "refreshTokenExpiresAt" timestamptz(3),
  scope                   text,
  password                text,
  "createdAt"             timestamptz(3) NOT NULL DEFAULT now(),
  "updatedAt"             timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX "account_userId_idx" ON account ("userId");

CREATE TABLE verification (
  id          text PRIMARY KEY,
  identifier  text NOT NULL,
  value       text NOT NULL,
  "expiresAt" timestamptz(3) NOT NULL,
  "createdAt" timestamptz(3) NOT NULL DEFAULT now(),
  "updatedAt" timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX verification_identifier_idx ON verification (identifier);

CREATE TABLE api_keys (
  id           SERIAL PRIMARY KEY,
  user_id      text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3),
  revoked_at   timestamptz(3)
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE vettings (
  id              SERIAL PRIMARY KEY,
  species_id      integer NOT NULL REFERENCES species(id),
  author_id       text NOT NULL REFERENCES "user"(id),
  classification  smallint NOT NULL,
  area            jsonb NOT NULL,
  min_lon         double precision NOT NULL,
  min_lat         double precision NOT NULL,
  max_lon         double precision NOT NULL,
  max_lat         double precision NOT NULL,
  comment         text,
  channel         text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'ws')),
  raw             jsonb,
  first_loaded_at timestamptz(3) NOT NULL DEFAULT now(),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at      timestamptz(3)
);
CREATE INDEX vettings_species_id_idx ON vettings (species_id);

CREATE TABLE vetting_revisions (
  id             SERIAL PRIMARY KEY,
  vetting_id     integer NOT NULL REFERENCES vettings(id) ON DELETE CASCADE,
  classification smallint NOT NULL,
  area           jsonb NOT NULL,
  comment        text,
  changed_by_id  text NOT NULL,
  changed_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX vetting_revisions_vetting_id_idx ON vetting_revisions (vetting_id);

CREATE TABLE sync_runs (
  id                SERIAL PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('incremental', 'full')),
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  trigger           text NOT NULL DEFAULT 'admin',
  requested_by_id   text,
  queued_at         timestamptz(3) NOT NULL DEFAULT now(),
  started_at        timestamptz(3),
  finished_at       timestamptz(3),
  since             timestamptz(3),
  phase             text NOT NULL DEFAULT 'queued',
  done              bigint NOT NULL DEFAULT 0,
  total             bigint NOT NULL DEFAULT 0,
  added             bigint NOT NULL DEFAULT 0,
  updated           bigint NOT NULL DEFAULT 0,
  deleted           bigint NOT NULL DEFAULT 0,
  skipped           bigint NOT NULL DEFAULT 0,
  skipped_by_reason jsonb NOT NULL DEFAULT '{}',
  remote_total      bigint,
  local_total       bigint,
  error             text,
  error_detail      jsonb,
  heartbeat_at      timestamptz(3)
);
CREATE INDEX sync_runs_queued_at_idx ON sync_runs (queued_at);
-- At most one run is active at a time, whatever process asked for it.
CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs ((true)) WHERE status IN ('queued', 'running');

CREATE TABLE sync_run_species (
  run_id       integer NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  species_guid text NOT NULL,
  remote_count integer,
  local_count  integer,
  state        text NOT NULL DEFAULT 'pending',
  done_at      timestamptz(3),
  PRIMARY KEY (run_id, species_guid)
);

CREATE TABLE sync_state (
  id             integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_import_at timestamptz(3),
  last_run_id    integer,
  cron           text
);
INSERT INTO sync_state (id) VALUES (1);
