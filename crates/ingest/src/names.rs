//! API field names from display names, the way Socrata makes them.
//!
//! Lower case; every run of characters other than `a-z` and `0-9` becomes one
//! `_` (so non-ASCII letters are dropped too); `_` trimmed from both ends; an
//! empty result becomes `column`; a name starting with a digit gets a leading
//! `_` so that it stays a SoQL identifier (`2010 Census` → `_2010_census`).
//! Duplicates get `_1`, `_2`, … in file order, skipping names already taken.

use std::collections::HashSet;

/// The field name for one display name, before de-duplication.
pub fn field_name(display: &str) -> String {
    let mut name = String::with_capacity(display.len());
    let mut gap = false;
    for c in display.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if gap && !name.is_empty() {
                name.push('_');
            }
            gap = false;
            name.push(c);
        } else {
            gap = true;
        }
    }

    if name.is_empty() {
        return "column".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// Field names for a header, de-duplicated. The first column with a given
/// name keeps it; later ones take the first free `name_N`, so `[a, a, a_1]`
/// becomes `[a, a_2, a_1]`.
pub fn field_names<S: AsRef<str>>(displays: &[S]) -> Vec<String> {
    let bases: Vec<String> = displays.iter().map(|d| field_name(d.as_ref())).collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut names: Vec<Option<String>> = bases
        .iter()
        .map(|base| taken.insert(base.clone()).then(|| base.clone()))
        .collect();

    for (name, base) in names.iter_mut().zip(&bases) {
        if name.is_none() {
            let free = unique(base, &taken);
            taken.insert(free.clone());
            *name = Some(free);
        }
    }
    names.into_iter().flatten().collect()
}

/// `base` itself when free, else the first free `base_N`.
pub(crate) fn unique(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}_{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socrata_style_names() {
        let cases = [
            ("AGG. ASSAULT", "agg_assault"),
            ("B & E", "b_e"),
            (
                "OVERALL CRIME RATE PER 100,000 PEOPLE",
                "overall_crime_rate_per_100_000_people",
            ),
            (
                "MURDER  RATE PERCENT CHANGE PER 100,000 PEOPLE",
                "murder_rate_percent_change_per_100_000_people",
            ),
            ("Arrest Date", "arrest_date"),
            ("  _Already_Snake_ ", "already_snake"),
            ("M/V THEFT", "m_v_theft"),
            ("2010 Census", "_2010_census"),
            ("Café", "caf"),
            ("", "column"),
            ("%%", "column"),
        ];
        for (display, expected) in cases {
            assert_eq!(field_name(display), expected, "{display:?}");
        }
    }

    #[test]
    fn duplicates_get_free_suffixes() {
        assert_eq!(
            field_names(&["A", "a", "a_1", "A"]),
            ["a", "a_2", "a_1", "a_3"]
        );
        assert_eq!(field_names(&["", "?"]), ["column", "column_1"]);
    }
}
