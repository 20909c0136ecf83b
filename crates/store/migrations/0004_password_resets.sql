-- Links e-mailed to people who forgot their password: each works once,
-- for a short time, and only its hash is kept.
CREATE TABLE password_resets (
    secret_hash TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX password_resets_by_user ON password_resets(user_id);
