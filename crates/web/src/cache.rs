//! Cached query answers. A dataset version never changes, so an answer
//! keyed by (dataset, version, query, format, caller's access class) stays
//! right until a new version is published, which changes the key.
//!
//! The access class is the set of columns the caller sees ([`access_class`]):
//! within one version that alone decides what a query may read, so callers
//! who see the same columns share answers, and an answer holding a
//! restricted column is never served to anyone who does not see it.

use std::sync::Arc;

use axum::http::{HeaderName, HeaderValue};
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use store::Dataset;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    pub dataset_id: String,
    pub version: i64,
    pub format: &'static str,
    /// The query parameters, sorted, without the ones that do not change
    /// the answer (app tokens).
    pub query: Vec<(String, String)>,
    /// The caller's access class: see [`access_class`].
    pub access: String,
}

/// The access class of a caller for a dataset as they see it: a digest of
/// the columns they see and the rows hidden from them. Restricting a column, or lifting a restriction,
/// changes it for exactly the callers whose view changed. It is made of
/// names the caller sees anyway, so the ETag that carries it reveals
/// nothing else.
pub fn access_class(seen: &Dataset) -> String {
    let mut hasher = Sha256::new();
    for column in &seen.columns {
        hasher.update(column.field_name.as_bytes());
        hasher.update([0]);
    }
    for row in &seen.hidden_rows {
        hasher.update(row.to_le_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl AnswerKey {
    pub fn new(
        dataset_id: &str,
        version: i64,
        format: &'static str,
        params: &[(String, String)],
        access: &str,
    ) -> Self {
        let mut query: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| k != "$$app_token")
            .cloned()
            .collect();
        query.sort();
        AnswerKey {
            dataset_id: dataset_id.to_string(),
            version,
            format,
            query,
            access: access.to_string(),
        }
    }

    fn size(&self) -> usize {
        self.dataset_id.len()
            + self.access.len()
            + self
                .query
                .iter()
                .map(|(k, v)| k.len() + v.len() + 48)
                .sum::<usize>()
            + 96
    }
}

/// A response body and the headers that belong to it.
#[derive(Debug)]
pub struct Answer {
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The parameter and value that ask for the next page, when more rows match.
    pub next_page: Option<(&'static str, String)>,
}

#[derive(Clone)]
struct BySize;

impl Weighter<AnswerKey, Arc<Answer>> for BySize {
    fn weight(&self, key: &AnswerKey, answer: &Arc<Answer>) -> u64 {
        let headers: usize = answer
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum();
        (key.size() + answer.body.len() + headers) as u64
    }
}

/// Answers kept in memory up to a byte budget; a budget of 0 keeps nothing.
pub struct AnswerCache {
    cache: Option<Cache<AnswerKey, Arc<Answer>, BySize>>,
    budget: u64,
}

impl AnswerCache {
    pub fn new(megabytes: u64) -> AnswerCache {
        let budget = megabytes.saturating_mul(1024 * 1024);
        let cache = (budget > 0).then(|| {
            // Room for many small answers; the weight bounds the memory.
            let items = (budget / 2048).clamp(64, 1_000_000) as usize;
            Cache::with_weighter(items, budget, BySize)
        });
        AnswerCache { cache, budget }
    }

    pub fn get(&self, key: &AnswerKey) -> Option<Arc<Answer>> {
        self.cache.as_ref()?.get(key)
    }

    /// Keeps an answer unless it alone would take over an eighth of the budget.
    pub fn put(&self, key: AnswerKey, answer: Arc<Answer>) {
        if let Some(cache) = &self.cache {
            let weight = BySize.weight(&key, &answer);
            if weight <= self.budget / 8 {
                cache.insert(key, answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(q: &str) -> AnswerKey {
        AnswerKey::new(
            "abcd-1234",
            1,
            "json",
            &[("$where".into(), q.into())],
            "all",
        )
    }

    fn answer(size: usize) -> Arc<Answer> {
        Arc::new(Answer {
            body: Bytes::from(vec![b'x'; size]),
            headers: vec![],
            next_page: None,
        })
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(key("a"), answer(10));
        assert!(cache.get(&key("a")).is_none());
    }

    #[test]
    fn answers_come_back_by_key_and_tokens_do_not_matter() {
        let cache = AnswerCache::new(1);
        cache.put(key("a"), answer(10));
        assert_eq!(cache.get(&key("a")).unwrap().body.len(), 10);
        assert!(cache.get(&key("b")).is_none());
        let with_token = AnswerKey::new(
            "abcd-1234",
            1,
            "json",
            &[
                ("$$app_token".into(), "t".into()),
                ("$where".into(), "a".into()),
            ],
            "all",
        );
        assert!(cache.get(&with_token).is_some());
        let next_version = AnswerKey::new(
            "abcd-1234",
            2,
            "json",
            &[("$where".into(), "a".into())],
            "all",
        );
        assert!(cache.get(&next_version).is_none());
        let other_class = AnswerKey::new(
            "abcd-1234",
            1,
            "json",
            &[("$where".into(), "a".into())],
            "fewer",
        );
        assert!(cache.get(&other_class).is_none());
    }

    #[test]
    fn oversized_answers_are_not_kept() {
        let cache = AnswerCache::new(1);
        cache.put(key("big"), answer(200 * 1024));
        assert!(cache.get(&key("big")).is_none());
    }
}
