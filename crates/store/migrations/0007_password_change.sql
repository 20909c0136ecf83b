-- An account whose password was handed to its owner (printed by the command
-- line) must choose its own before doing anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
