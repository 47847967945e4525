-- Rate-limit buckets shared by every web process (better-auth's "database" rate-limit storage,
-- and Edgar's per-account sign-in limit in lib/auth/login-limit.ts): one row per key.
CREATE TABLE rate_limit (
  id           text PRIMARY KEY,
  key          text NOT NULL UNIQUE,
  count        integer NOT NULL,
  -- milliseconds since the epoch of the last request the bucket let through (better-auth's format)
  last_request bigint NOT NULL
);
CREATE INDEX rate_limit_last_request_idx ON rate_limit (last_request);
