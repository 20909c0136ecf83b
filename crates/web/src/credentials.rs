//! What an account signs in with: the rules a new e-mail address and
//! password must meet, argon2id hashes of passwords, and the random first
//! passwords the command line hands out.
//!
//! Hashing is slow on purpose (tens of milliseconds of CPU and 19 MiB of
//! memory with argon2's defaults), so it runs on tokio's blocking pool and
//! never holds up the threads that answer requests.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::seq::IndexedRandom;

/// The shortest password accepted: length is what makes one hard to guess.
pub const MIN_PASSWORD_LENGTH: usize = 12;

/// The longest: past this, a password is only work someone hands the server.
pub const MAX_PASSWORD_LENGTH: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing a password: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("the password worker stopped: {0}")]
    Worker(#[from] tokio::task::JoinError),
}

/// The longest e-mail address SMTP can deliver to.
const MAX_EMAIL_LENGTH: usize = 254;

/// What is wrong with an e-mail address given for a new account, in words
/// for the person giving it. Only the shape is checked (something, an `@`,
/// a domain with a dot); no mail is sent to prove the address is theirs.
pub fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("Enter your e-mail address.");
    }
    let shaped = match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    let plain = !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if shaped && plain && email.len() <= MAX_EMAIL_LENGTH {
        None
    } else {
        Some("Enter an e-mail address in the form name@example.org.")
    }
}

/// What is wrong with a new password, in words for the person choosing it.
pub fn password_problem(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        return Some(format!(
            "Choose a password of at least {MIN_PASSWORD_LENGTH} characters; this one has {length}."
        ));
    }
    if length > MAX_PASSWORD_LENGTH {
        return Some(format!(
            "Choose a password of at most {MAX_PASSWORD_LENGTH} characters."
        ));
    }
    None
}

/// An argon2id PHC string (`$argon2id$v=19$m=…`) of `password` with a
/// fresh random salt.
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// Whether `password` matches `stored`. Without a stored hash (no such
/// account, or one that signs in elsewhere) the same work is done against
/// a stand-in, so the time taken does not tell which addresses have
/// accounts.
pub async fn verify_password(
    password: String,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let matches = match &stored {
            Some(stored) => matches(&password, stored),
            None => {
                matches(&password, stand_in()?);
                false
            }
        };
        Ok(matches)
    })
    .await?
}

fn matches(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash cannot be read");
            false
        }
    }
}

/// A hash of a random password no one knows, made once.
fn stand_in() -> Result<&'static str, PasswordError> {
    static STAND_IN: OnceLock<String> = OnceLock::new();
    if let Some(hash) = STAND_IN.get() {
        return Ok(hash);
    }
    let hash = hash_now(&crate::access::new_secret())?;
    Ok(STAND_IN.get_or_init(|| hash))
}

/// Letters and digits that cannot be mistaken for one another when read
/// aloud or copied by hand: no `0`/`O`, `1`/`l`/`I`.
const READABLE: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY2346789";

/// A random first password for an account the command line creates:
/// five groups of four, about 113 bits.
pub fn one_time_password() -> String {
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..5)
        .map(|_| {
            (0..4)
                .filter_map(|_| READABLE.choose(&mut rng).map(|&b| char::from(b)))
                .collect()
        })
        .collect();
    groups.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_need_a_local_part_an_at_and_a_dotted_domain() {
        for good in [
            "ada@example.org",
            "a.b+c@city.example.gov",
            "admin@demo.civic.local",
        ] {
            assert_eq!(email_problem(good), None, "{good}");
        }
        assert_eq!(email_problem(""), Some("Enter your e-mail address."));
        for bad in [
            "ada",
            "@example.org",
            "ada@example",
            "ada@.org",
            "ada@org.",
            "a da@example.org",
        ] {
            assert_eq!(
                email_problem(bad),
                Some("Enter an e-mail address in the form name@example.org."),
                "{bad}"
            );
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(email_problem(&long).is_some());
    }

    #[test]
    fn short_and_huge_passwords_are_refused_with_a_reason() {
        assert_eq!(
            password_problem("eleven-char").as_deref(),
            Some("Choose a password of at least 12 characters; this one has 11.")
        );
        assert_eq!(password_problem("twelve-chars"), None);
        // Characters, not bytes: six two-byte letters are six characters.
        assert!(password_problem("ääääää").is_some());
        assert!(password_problem(&"x".repeat(MAX_PASSWORD_LENGTH + 1)).is_some());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash_password("correct horse battery".into()).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let check = |p: &str| verify_password(p.to_string(), Some(stored.clone()));
        assert!(check("correct horse battery").await.unwrap());
        assert!(!check("correct horse batterY").await.unwrap());
        assert!(!verify_password("anything".into(), None).await.unwrap());
        let corrupt = Some("not a hash".to_string());
        assert!(!verify_password("anything".into(), corrupt).await.unwrap());
    }

    #[test]
    fn one_time_passwords_are_long_readable_and_differ() {
        let a = one_time_password();
        assert_eq!(a.len(), 24);
        assert!(password_problem(&a).is_none());
        assert!(a.split('-').all(|g| g.len() == 4));
        assert!(a.bytes().all(|b| b == b'-' || READABLE.contains(&b)));
        assert_ne!(a, one_time_password());
    }
}
