-- Open-records requests. The records crate holds the law (clocks, fees,
-- states); these tables hold what happened, so every clock can be computed
-- again from the events and the calendar.

-- The last sequence number issued each year, for tracking numbers
-- R{YY}-{NNNNNN}.
CREATE TABLE request_numbers (
    year        INTEGER PRIMARY KEY,
    last_issued INTEGER NOT NULL
);

CREATE TABLE records_requests (
    id                  INTEGER PRIMARY KEY,
    tracking            TEXT NOT NULL UNIQUE,
    -- A part of a request split across departments points at the whole.
    parent_id           INTEGER REFERENCES records_requests (id),
    received_at         TEXT NOT NULL,
    description         TEXT NOT NULL,
    records_sought      TEXT NOT NULL DEFAULT '',
    departments         TEXT NOT NULL DEFAULT '[]',
    date_from           TEXT,
    date_to             TEXT,
    preferred_format    TEXT NOT NULL DEFAULT '',
    -- Who asked: never shown in public, and every view by staff is audited.
    requester_name      TEXT,
    requester_email     TEXT,
    requester_phone     TEXT,
    requester_id        INTEGER REFERENCES users (id),
    -- The requester's link carries a secret; only its hash is kept.
    secret_hash         TEXT NOT NULL UNIQUE,
    state               TEXT NOT NULL,
    closing             TEXT,
    -- What the public log shows, once staff have reviewed it.
    public_summary      TEXT,
    summary_reviewed_by INTEGER REFERENCES users (id),
    assigned_department TEXT,
    assigned_to         INTEGER REFERENCES users (id),
    updated_at          TEXT NOT NULL
);
CREATE INDEX records_requests_state ON records_requests (state);

-- Everything that moves a clock or a state, in order: the records crate's
-- events as JSON, with who recorded them.
CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES records_requests (id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    actor_id    INTEGER REFERENCES users (id)
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- Messages between the requester and the clerk, and staff's internal notes.
CREATE TABLE request_messages (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES records_requests (id),
    at          TEXT NOT NULL,
    author_id   INTEGER REFERENCES users (id),
    internal    INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL
);

-- Files staff upload: for the requester only, or public with the log.
CREATE TABLE request_files (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES records_requests (id),
    at          TEXT NOT NULL,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    visibility  TEXT NOT NULL CHECK (visibility IN ('requester', 'public')),
    uploaded_by INTEGER REFERENCES users (id),
    -- A released table published to the portal as a dataset.
    dataset_id  TEXT REFERENCES datasets (id)
);

-- Staff time, for fees.
CREATE TABLE request_time (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES records_requests (id),
    worked_on   TEXT NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    note        TEXT NOT NULL DEFAULT '',
    user_id     INTEGER REFERENCES users (id)
);

-- Money moved outside the portal, as recorded: deposits, payments, refunds.
CREATE TABLE request_ledger (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES records_requests (id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('deposit', 'payment', 'refund')),
    cents       INTEGER NOT NULL CHECK (cents > 0),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users (id)
);

-- Days the custodian's office is closed beyond the profile's calendar,
-- added by an administrator.
CREATE TABLE closure_days (
    day         TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    INTEGER REFERENCES users (id)
);
