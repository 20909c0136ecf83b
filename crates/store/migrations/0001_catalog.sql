-- The catalog: datasets, their columns and their immutable versions.
CREATE TABLE datasets (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    department       TEXT NOT NULL,
    steward_name     TEXT,
    steward_email    TEXT,
    topic            TEXT,
    tags             TEXT NOT NULL DEFAULT '[]',
    license          TEXT,
    update_frequency TEXT,
    usage_notes      TEXT,
    source           TEXT,
    attribution      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    current_version  INTEGER NOT NULL,
    row_count        INTEGER NOT NULL
);

CREATE TABLE columns (
    dataset_id  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    field_name  TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, field_name)
);

CREATE TABLE versions (
    dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    row_count  INTEGER NOT NULL,
    file       TEXT NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

-- Full-text search over what a person would search a catalog for.
CREATE VIRTUAL TABLE catalog_search USING fts5(
    id UNINDEXED, title, description, tags, columns,
    tokenize = 'unicode61 remove_diacritics 2'
);
