//! Enforcing blocks. Staff block an app token, an account or a range of
//! addresses (the pages are in `pages::admin`); this module refuses the
//! callers they name, right after [`crate::access::identify`] has named the
//! caller and before any budget is spent or handler runs.
//!
//! The blocks in force are kept in memory and read from the store only at
//! the first request and again whenever a block is made or lifted, so that
//! the question "is this caller blocked" costs no query. A block past its
//! end is skipped by the clock, without a reload.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use ipnet::IpNet;
use serde_json::json;
use store::{Block, BlockTarget, Store, StoreError};

use crate::access::{self, Caller};
use crate::error::ApiError;
use crate::{AppState, limits, pages};

/// The blocks in force, loaded on first use.
#[derive(Default)]
pub struct Blocks {
    in_force: RwLock<Option<Arc<InForce>>>,
    /// Held while reading from the store and replacing the set, so a slow
    /// first load cannot overwrite the set a later change put in place.
    loading: tokio::sync::Mutex<()>,
}

/// The blocks in force when last read, by what they block.
#[derive(Default)]
struct InForce {
    tokens: HashMap<i64, Vec<Block>>,
    users: HashMap<i64, Vec<Block>>,
    networks: Vec<(IpNet, Block)>,
}

impl InForce {
    fn of(blocks: Vec<Block>) -> InForce {
        let mut set = InForce::default();
        for block in blocks {
            match block.target {
                BlockTarget::AppToken(id) => set.tokens.entry(id).or_default().push(block),
                BlockTarget::User(id) => set.users.entry(id).or_default().push(block),
                BlockTarget::Network(net) => set.networks.push((net, block)),
            }
        }
        set
    }

    /// The first block that refuses a request from `client` by `caller`.
    fn against(&self, caller: &Caller, client: IpAddr, now: DateTime<Utc>) -> Option<&Block> {
        let token = caller.token.as_ref();
        let tokens = token.and_then(|t| self.tokens.get(&t.id));
        // A blocked account's tokens are blocked wherever they are sent
        // from, and so is whoever is signed in to it.
        let owner = token.and_then(|t| self.users.get(&t.user_id));
        let user = caller.user.as_ref().and_then(|u| self.users.get(&u.id));
        let client = client.to_canonical();
        let networks = self
            .networks
            .iter()
            .filter(|(net, _)| net.contains(&client))
            .map(|(_, block)| block);
        [tokens, owner, user]
            .into_iter()
            .flatten()
            .flatten()
            .chain(networks)
            .find(|block| block.in_force(now))
    }
}

impl Blocks {
    /// Reads the blocks in force from the store again: after every change.
    pub async fn reload(&self, store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
        let _loading = self.loading.lock().await;
        self.load(store, now).await.map(|_| ())
    }

    async fn load(&self, store: &Store, now: DateTime<Utc>) -> Result<Arc<InForce>, StoreError> {
        let set = Arc::new(InForce::of(store.blocks_in_force(now).await?));
        *self.in_force.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&set));
        Ok(set)
    }

    async fn current(&self, store: &Store, now: DateTime<Utc>) -> Result<Arc<InForce>, StoreError> {
        if let Some(set) = self.loaded() {
            return Ok(set);
        }
        let _loading = self.loading.lock().await;
        match self.loaded() {
            Some(set) => Ok(set),
            None => self.load(store, now).await,
        }
    }

    fn loaded(&self) -> Option<Arc<InForce>> {
        self.in_force
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The block in force at `now` that refuses `caller`, asking from
    /// `client`: one on their app token, on the account they act as or
    /// whose token they send, or on a range that holds their address.
    pub async fn against(
        &self,
        store: &Store,
        caller: &Caller,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Option<Block>, StoreError> {
        let set = self.current(store, now).await?;
        Ok(set.against(caller, client, now).cloned())
    }
}

/// The refusal a blocked caller gets, or none for everyone else. Static
/// files are served to all, so the page that says "blocked" has its style.
pub async fn refuse_blocked(
    app: &AppState,
    caller: &Caller,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<Response> {
    let path = uri.path();
    if path.starts_with("/static/") {
        return None;
    }
    let client = limits::client_address(caller.address, headers, &app.settings.trusted_proxies);
    let now = app.clock.now();
    match app.blocks.against(&app.store, caller, client, now).await {
        Ok(None) => None,
        Ok(Some(block)) => {
            tracing::debug!(block.id = block.id, "refused: blocked");
            Some(if access::is_api(path) {
                blocked_error(&block).into_response()
            } else {
                pages::blocked_page(app, &block)
            })
        }
        Err(e) => Some(ApiError::from(e).into_response()),
    }
}

/// 403 in the API's shape, with the reason staff gave as the message.
fn blocked_error(block: &Block) -> ApiError {
    let until = block
        .ends_at
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    ApiError::new(
        StatusCode::FORBIDDEN,
        "authorization.blocked",
        block.reason.clone(),
    )
    .with_data(json!({ "until": until }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use store::{AppToken, Role, User};

    fn block(id: i64, target: BlockTarget, ends_at: Option<DateTime<Utc>>) -> Block {
        Block {
            id,
            target,
            reason: format!("block {id}"),
            created_by: None,
            created_by_email: None,
            created_at: Utc::now(),
            ends_at,
            lifted_at: None,
            lifted_by: None,
        }
    }

    fn caller(user: Option<i64>, token: Option<(i64, i64)>) -> Caller {
        let mut caller = Caller::anonymous("203.0.113.9".parse().unwrap());
        caller.user = user.map(|id| User {
            id,
            email: format!("{id}@example.org"),
            name: String::new(),
            role: Role::Registered,
            departments: Vec::new(),
            created_at: Utc::now(),
            disabled: false,
            must_change_password: false,
        });
        caller.token = token.map(|(id, user_id)| AppToken {
            id,
            user_id,
            name: "t".into(),
            prefix: "abcd1234".into(),
            created_at: Utc::now(),
            revoked_at: None,
        });
        caller
    }

    fn found(set: &InForce, caller: &Caller, client: &str, now: DateTime<Utc>) -> Option<i64> {
        set.against(caller, client.parse().unwrap(), now)
            .map(|b| b.id)
    }

    #[test]
    fn each_kind_of_block_refuses_its_callers() {
        let now = Utc::now();
        let net = |text: &str| BlockTarget::network(text.parse().unwrap());
        let set = InForce::of(vec![
            block(1, BlockTarget::AppToken(10), None),
            block(2, BlockTarget::User(20), None),
            block(3, net("192.0.2.0/24"), None),
            block(4, net("2001:db8:1:2::/64"), None),
            block(5, BlockTarget::User(30), Some(now)),
        ]);
        let anyone = caller(None, None);
        assert_eq!(found(&set, &anyone, "198.51.100.1", now), None);
        assert_eq!(found(&set, &anyone, "192.0.2.200", now), Some(3));
        assert_eq!(found(&set, &anyone, "::ffff:192.0.2.7", now), Some(3));
        assert_eq!(found(&set, &anyone, "2001:db8:1:2:ff::1", now), Some(4));
        assert_eq!(found(&set, &anyone, "2001:db8:1:3::1", now), None);

        let token = caller(Some(11), Some((10, 11)));
        assert_eq!(found(&set, &token, "198.51.100.1", now), Some(1));
        // A blocked account's token, and its own session.
        let owned = caller(None, Some((12, 20)));
        assert_eq!(found(&set, &owned, "198.51.100.1", now), Some(2));
        let session = caller(Some(20), None);
        assert_eq!(found(&set, &session, "198.51.100.1", now), Some(2));
        // A block at its end refuses no more.
        let ended = caller(Some(30), None);
        assert_eq!(found(&set, &ended, "198.51.100.1", now), None);
        let before = now - Duration::seconds(1);
        assert_eq!(found(&set, &ended, "198.51.100.1", before), Some(5));
    }
}
