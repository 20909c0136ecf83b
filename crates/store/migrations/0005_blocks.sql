-- Callers refused service by staff: one app token, one account (its
-- sessions and every token it owns) or a range of addresses. A block is
-- never deleted: lifting it early stamps it, so the list is its history.
CREATE TABLE blocks (
    id           INTEGER PRIMARY KEY,
    app_token_id INTEGER REFERENCES app_tokens(id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    -- A CIDR network by its first address: `192.0.2.0/24`, `2001:db8::/32`.
    network      TEXT,
    -- Shown to the blocked caller, so written for them.
    reason       TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    -- NULL: until lifted.
    ends_at      TEXT,
    lifted_at    TEXT,
    lifted_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    CHECK ((app_token_id IS NOT NULL) + (user_id IS NOT NULL) + (network IS NOT NULL) = 1)
);
CREATE INDEX blocks_not_lifted ON blocks(lifted_at);
