//! What can stop a deploy, or one file of it, said as the user reads it: the
//! built site that cannot be read, the credentials that are missing, the
//! store's refusal with what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("cannot start the network runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// A folder of the built site could not be walked.
    #[error("cannot read {}: {source}", .folder.display())]
    SiteUnreadable {
        folder: PathBuf,
        source: walkdir::Error,
    },
    /// The walk left the built site (a link out of it).
    #[error("{}: {source}", .path.display())]
    OutsideSite {
        path: PathBuf,
        source: std::path::StripPrefixError,
    },
    #[error("{}: object keys must be UTF-8; rename the file", .path.display())]
    NotUtf8 { path: PathBuf },
    #[error("cannot read {}: {source}", .path.display())]
    FileUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// None of the provider's credential variables is set; `set` names the
    /// ones to set.
    #[error("target `{name}` ({place}): no credentials; set {set}")]
    NoCredentials {
        name: String,
        place: String,
        set: String,
    },
    /// The provider's client would not start; `message` is its own, without
    /// the secrets it may echo.
    #[error("target `{name}` ({place}): {message}")]
    ClientRefused {
        name: String,
        place: String,
        message: String,
    },
    #[error("{key}: not a valid object key ({source})")]
    NotAKey {
        key: String,
        source: object_store::path::Error,
    },
    #[error("{place}: {source}")]
    NotAPrefix {
        place: String,
        source: object_store::path::Error,
    },
    /// A request the store answered with an error, or did not answer;
    /// `message` is the client's, without the secrets it may echo.
    #[error("{place}: {doing}: {message}{}", .hint.map_or("", Hint::words))]
    Request {
        place: String,
        /// `listing`, or the key being read, written or deleted.
        doing: String,
        message: String,
        hint: Option<Hint>,
    },
}

/// What to do about the common failures of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Credentials,
    Permission,
    NoBucket,
    Refused,
    TimedOut,
}

impl Hint {
    fn words(self) -> &'static str {
        match self {
            Hint::Credentials => " (check the credentials in the environment)",
            Hint::Permission => " (the credentials may not write to this bucket)",
            Hint::NoBucket => " (does the bucket exist?)",
            Hint::Refused => " (connection refused: is the endpoint right, and is its server up?)",
            Hint::TimedOut => {
                " (timed out: the endpoint did not answer; is it right, and reachable from here?)"
            }
        }
    }
}
