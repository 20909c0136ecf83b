//! Dataset ids in Socrata's shape: `abcd-1234`.

use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Four lowercase letters or digits, a hyphen, four more.
pub fn is_dataset_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 9
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_lowercase() || c.is_ascii_digit())
}

pub fn random_dataset_id() -> String {
    let mut rng = rand::rng();
    let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
    let head: String = (0..4).map(|_| pick()).collect();
    let tail: String = (0..4).map(|_| pick()).collect();
    format!("{head}-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_socrata_shape() {
        assert!(is_dataset_id("nypd-hate"));
        assert!(is_dataset_id("ab12-9z0x"));
        assert!(!is_dataset_id("NYPD-hate"));
        assert!(!is_dataset_id("nypdhate1"));
        assert!(!is_dataset_id("nyp-dhate"));
        assert!(!is_dataset_id("nypd-hat"));
        for _ in 0..100 {
            assert!(is_dataset_id(&random_dataset_id()));
        }
    }
}
