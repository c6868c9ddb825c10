//! The X contract server: [`x_api::XApi`](super::x_api) (X's routes and
//! rules) behind the shared [`ContractServer`] (HTTP, recording, faults).
//!
//! ```ignore
//! let server = XServer::start();
//! // [networks.x] instance = server.url(); ROUNDS_X_ACCESS_TOKEN = x_api::ACCESS_TOKEN
//! server.push_fault("POST /2/tweets", Fault::FailAfterCommit(503));
//! // ... run `rounds publish` ...
//! assert_eq!(server.posts().len(), 1);
//! assert!(server.contract_violations().is_empty(), "{:#?}", server.contract_violations());
//! ```

use std::ops::Deref;

use super::contract::ContractServer;
// For the tests' convenience; not every test binary uses both.
use super::x_api::{StoredMedia, StoredPost, XApi};
#[allow(unused_imports)]
pub use super::{contract::Fault, x_api::Config};

pub struct XServer {
    server: ContractServer<XApi>,
}

impl Deref for XServer {
    type Target = ContractServer<XApi>;

    fn deref(&self) -> &ContractServer<XApi> {
        &self.server
    }
}

impl XServer {
    /// A server that takes the test OAuth 2.0 token and OAuth 1.0a keys.
    pub fn start() -> XServer {
        XServer::start_with(Config::default())
    }

    pub fn start_with(config: Config) -> XServer {
        XServer {
            server: ContractServer::start_with_base(|origin| XApi::new(config, origin)),
        }
    }

    /// The account's posts, oldest first.
    pub fn posts(&self) -> Vec<StoredPost> {
        self.with(|api| api.posts.clone())
    }

    /// The posts' texts as sent, oldest first.
    pub fn posted_texts(&self) -> Vec<String> {
        self.with(|api| api.posts.iter().map(|p| p.text.clone()).collect())
    }

    pub fn media(&self) -> Vec<StoredMedia> {
        self.with(|api| api.media.values().cloned().collect())
    }

    /// Posts X refused as repeats of recent ones.
    pub fn duplicate_refusals(&self) -> usize {
        self.with(|api| api.duplicate_refusals)
    }

    /// The ids of the posts deleted, in order.
    pub fn deleted(&self) -> Vec<String> {
        self.with(|api| api.deleted.clone())
    }

    /// Renewals of the OAuth 2.0 token.
    pub fn refreshes(&self) -> usize {
        self.with(|api| api.refreshes)
    }

    /// The access and refresh tokens good now.
    pub fn tokens(&self) -> (String, String) {
        self.with(|api| api.tokens())
    }
}
