-- The stewards' desk: what people report about a dataset, the conversation
-- with them, and the rows hidden while a report is dealt with.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    dataset_id      TEXT NOT NULL REFERENCES datasets (id),
    kind            TEXT NOT NULL CHECK (kind IN ('content_issue', 'takedown')),
    summary         TEXT NOT NULL,
    rows            TEXT NOT NULL DEFAULT '',
    reporter_email  TEXT,
    reporter_id     INTEGER REFERENCES users (id),
    -- The reporter's link to follow the report carries a secret; only its
    -- hash is kept.
    secret_hash     TEXT NOT NULL UNIQUE,
    filed_at        TEXT NOT NULL,
    due_at          TEXT,
    closed_at       TEXT,
    resolution      TEXT
);
CREATE INDEX reports_open ON reports (closed_at, dataset_id);

CREATE TABLE report_messages (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    at          TEXT NOT NULL,
    -- A staff member's account, or none for the reporter.
    author_id   INTEGER REFERENCES users (id),
    body        TEXT NOT NULL
);

CREATE TABLE hidden_rows (
    dataset_id  TEXT NOT NULL REFERENCES datasets (id),
    row_id      INTEGER NOT NULL,
    report_id   INTEGER REFERENCES reports (id),
    hidden_at   TEXT NOT NULL,
    hidden_by   INTEGER REFERENCES users (id),
    PRIMARY KEY (dataset_id, row_id)
) WITHOUT ROWID;
