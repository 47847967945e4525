-- Accounts brought in by admins without a shell (docs/accounts.md): invitations and password
-- resets by emailed one-time links, and who invited whom / how people last signed in.
-- Tokens are stored as their SHA-256 only: a leaked table gives no usable link.
CREATE TABLE invitations (
  id          serial PRIMARY KEY,
  email       text NOT NULL,
  -- researcher | expert | admin
  role        text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  invited_by  text REFERENCES "user"(id) ON DELETE SET NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  expires_at  timestamptz(3) NOT NULL,
  accepted_at timestamptz(3),
  accepted_by text REFERENCES "user"(id) ON DELETE SET NULL,
  revoked_at  timestamptz(3)
);
CREATE INDEX invitations_email ON invitations (email);

CREATE TABLE password_resets (
  id         serial PRIMARY KEY,
  user_id    text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  used_at    timestamptz(3)
);
CREATE INDEX password_resets_user ON password_resets (user_id);

ALTER TABLE "user"
  ADD COLUMN invited_by          text REFERENCES "user"(id) ON DELETE SET NULL,
  ADD COLUMN invited_at          timestamptz(3),
  ADD COLUMN last_sign_in_at     timestamptz(3),
  -- password | oidc
  ADD COLUMN last_sign_in_method text;
