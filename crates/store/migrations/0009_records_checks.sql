-- What administrators have confirmed about the records law the profile
-- gives: a rule value checked against its source (which clears its
-- `unverified` flag), and a year whose closure days the city has confirmed
-- (which clears their `projected` mark).

CREATE TABLE rule_checks (
    rule        TEXT NOT NULL,
    from_date   TEXT NOT NULL,
    checked_at  TEXT NOT NULL,
    checked_by  INTEGER REFERENCES users (id),
    PRIMARY KEY (rule, from_date)
);

CREATE TABLE closure_years (
    year         INTEGER PRIMARY KEY,
    confirmed_at TEXT NOT NULL,
    confirmed_by INTEGER REFERENCES users (id)
);
