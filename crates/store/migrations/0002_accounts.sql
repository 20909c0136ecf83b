-- People who sign in, what they may do, how they prove it, and what staff did.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL DEFAULT '',
    -- An argon2 PHC string; NULL for someone who only signs in through the
    -- city's identity provider.
    password_hash TEXT,
    role          TEXT NOT NULL CHECK (role IN ('registered', 'steward', 'clerk', 'admin')),
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

-- The departments a steward looks after.
CREATE TABLE user_departments (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    department TEXT NOT NULL,
    PRIMARY KEY (user_id, department)
);

-- Signed-in browsers. Only a hash of the cookie's secret is kept, so a copy
-- of the database signs no one in.
CREATE TABLE sessions (
    secret_hash TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- Developers' app tokens, shown once and kept as hashes.
CREATE TABLE app_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    -- The token's first characters, so its owner can tell tokens apart.
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX app_tokens_by_user ON app_tokens(user_id);

-- Every staff action: who, when, what, and the thing before and after.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_email TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
