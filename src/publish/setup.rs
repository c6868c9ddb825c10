//! Making a network's client: the clients' registry ([`connect`]), what a
//! client is made from ([`Setup`]), and why one could not be made
//! ([`SetupError`]).

use std::path::PathBuf;
use std::time::Duration;

use super::Client;
use crate::network;
use crate::network::Network;
use crate::outreach::settings::NetworkSettings;

/// Why a network's client could not be made, said so the user can fix it.
/// Nothing has been sent when one of these comes back.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A variable the network needs is not in the environment.
    #[error("set {variable} to post to {network}")]
    Unset {
        variable: &'static str,
        /// The network, as the user knows it ("X with OAuth 1.0a").
        network: &'static str,
    },
    /// A `[networks.*]` setting the network needs is missing; the text says
    /// which, and how to write it.
    #[error("{0}")]
    MissingSetting(&'static str),
    /// An X refresh token can only be used with the app's client id.
    #[error("set {client_id} too, so the X token in {refresh} can be refreshed")]
    RefreshWithoutClientId {
        client_id: &'static str,
        refresh: &'static str,
    },
    /// `api_version` is not spelled as Graph spells versions.
    #[error(
        "`api_version = \"{version}\"` under [networks.{network}] is not a Graph API version; write it like \"{default}\""
    )]
    GraphVersion {
        version: String,
        network: &'static str,
        default: &'static str,
    },
    /// The client could not start: the HTTP client's words, or the
    /// network's reply when it signs in first (Bluesky), already scrubbed.
    #[error("{0}")]
    NotConnected(String),
}

impl From<super::PostError> for SetupError {
    fn from(error: super::PostError) -> Self {
        SetupError::NotConnected(crate::secrets::scrub(&error.message))
    }
}

/// The clients' registry: the one place a network's name leads to the
/// module that posts to it (its rules are in `Network::rules`).
pub fn connect(network: Network, setup: &Setup) -> Result<Box<dyn Client>, SetupError> {
    match network {
        Network::Mastodon => network::mastodon::client::connect(setup),
        Network::Bluesky => network::bluesky::client::connect(setup),
        Network::X => network::x::client::connect(setup),
        Network::LinkedIn => network::linkedin::client::connect(setup),
        Network::Facebook => network::facebook::client::connect(setup),
        Network::Threads => network::threads::client::connect(setup),
    }
}

/// What a network's client is made from: its `[networks.*]` settings, the
/// built site (for images) and the request timeout. Secrets come from the
/// environment, read by each network's `connect` through [`Setup::secret`],
/// which registers them with [`crate::secrets`].
pub struct Setup<'a> {
    pub settings: Option<&'a NetworkSettings>,
    pub built: BuiltSite,
    pub timeout: Duration,
}

impl Setup<'_> {
    /// An environment variable that is no secret (a handle, a folder), if
    /// set and not empty. Secrets go through [`Setup::secret`] or
    /// [`crate::secrets::from_env`].
    pub fn env(name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    /// A required secret from the environment, or the error saying which to
    /// set. It is registered, so no message or ledger field can show it.
    pub fn secret(variable: &'static str, network: &'static str) -> Result<String, SetupError> {
        crate::secrets::from_env(variable).ok_or(SetupError::Unset { variable, network })
    }

    /// Where clients keep state between runs (Bluesky's session, refreshed
    /// OAuth tokens): `$ROUNDS_STATE_DIR`, else `$XDG_STATE_HOME/rounds`,
    /// else `~/.local/state/rounds`.
    pub fn state_dir() -> Option<PathBuf> {
        Self::env("ROUNDS_STATE_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                Self::env("XDG_STATE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| Self::env("HOME").map(|h| PathBuf::from(h).join(".local/state")))
                    .map(|d| d.join("rounds"))
            })
    }
}

/// The built site the items link to: their images are uploaded from it.
#[derive(Debug, Clone)]
pub struct BuiltSite {
    /// The output folder, `public/`.
    pub public: PathBuf,
    pub base_url: String,
    /// The items' pictures, to make one the output folder does not have yet
    /// (published before it was built).
    pub pictures: std::sync::Arc<crate::picture::Pictures>,
}

/// An image of the built site, ready to upload.
pub struct LocalImage {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Why an item's picture cannot be sent: said, never dropped in silence.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// Not an address of the site (or one that leads out of it).
    #[error("the picture {0} is not one of the site's own, so Rounds does not upload it")]
    NotOurs(String),
    /// A file of the site in a format no network takes.
    #[error(
        "the picture {0} is not JPEG, PNG, WebP or GIF; name it in a post's `image` so Rounds converts it"
    )]
    Format(String),
    /// Neither in the built site nor one Rounds knows how to make.
    #[error("the picture {0} is not in the built site: run `rounds build` first")]
    Missing(String),
    /// It could not be made.
    #[error("the picture {url} cannot be made: {error}")]
    Unmade {
        url: String,
        error: crate::picture::PictureError,
    },
}

impl BuiltSite {
    /// The image behind one of the site's own URLs: the built file, or the
    /// outreach picture made now when the site was not built since. Nothing
    /// from elsewhere on the machine is ever uploaded: a path that leads out
    /// of the built site is refused.
    pub fn picture(&self, url: &str) -> Result<LocalImage, PictureError> {
        let not_ours = || PictureError::NotOurs(url.to_string());
        let path = url
            .strip_prefix(self.base_url.trim_end_matches('/'))
            .ok_or_else(not_ours)?;
        let path = crate::site_path::site_path("/", path).ok_or_else(not_ours)?;
        let rel = path.trim_start_matches('/');
        let file = self.public.join(rel);
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let format = crate::network::PictureFormat::from_extension(extension)
            .ok_or_else(|| PictureError::Format(url.to_string()))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = if crate::site_path::readable(&self.public, &file) {
            std::fs::read(&file).map_err(|_| PictureError::Missing(url.to_string()))?
        } else if self.pictures.variants.contains_key(rel) {
            let cache = crate::picture::cache::folder();
            crate::picture::make(&self.pictures, rel, cache.as_deref()).map_err(|error| {
                PictureError::Unmade {
                    url: url.to_string(),
                    error,
                }
            })?
        } else {
            return Err(PictureError::Missing(url.to_string()));
        };
        Ok(LocalImage {
            name,
            mime: format.mime(),
            bytes,
        })
    }
}

/// Writes a session file only its owner can read.
pub fn save_private(file: &std::path::Path, text: &str) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(file)
        {
            let _ = f.write_all(text.as_bytes());
        }
    }
    #[cfg(not(unix))]
    let _ = std::fs::write(file, text);
}
