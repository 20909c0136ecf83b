-- Who may see a dataset, and which of its columns hold personal data.
ALTER TABLE datasets ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'internal', 'private'));
ALTER TABLE columns ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

-- The catalog's search keeps restricted column names apart, so a search
-- by someone who may not see them matches the other columns only.
DROP TABLE catalog_search;
CREATE VIRTUAL TABLE catalog_search USING fts5(
    id UNINDEXED, title, description, tags, columns, restricted_columns,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO catalog_search (id, title, description, tags, columns, restricted_columns)
SELECT d.id, d.title, d.description,
       coalesce((SELECT group_concat(t.value, ' ') FROM json_each(d.tags) t), ''),
       coalesce((SELECT group_concat(c.field_name || ' ' || c.name, ' ')
                 FROM columns c WHERE c.dataset_id = d.id), ''),
       ''
FROM datasets d;
