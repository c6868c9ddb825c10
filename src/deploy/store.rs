//! The target's object storage, through `object_store`: connecting with the
//! provider's standard environment variables, listing, reading the hash Rounds
//! keeps beside each object, uploading with headers, deleting.

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, ClientOptions, GetOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};

use super::error::{DeployError, Hint};
use super::media::Media;
use super::plan::Stored;
use super::target::{Provider, Target};

/// The metadata entry that holds the MD5 of an object's bytes, for stores
/// whose ETag is not one (Azure, and S3 with KMS encryption).
const MD5_METADATA: &str = "rounds-md5";

/// The headers an object is served with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    pub media: Media,
    pub cache_control: String,
}

/// A connected target: the store and the folder in it.
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// `s3://bucket/prefix`, for messages.
    label: String,
}

impl Bucket {
    /// Connects to `target` with credentials from the environment. Fails,
    /// naming the variables to set, when there are none: without them the
    /// clients would ask a cloud metadata service, which is slow and
    /// confusing off the cloud.
    pub fn connect(target: &Target) -> Result<Bucket, DeployError> {
        check_credentials(target)?;
        register_secrets();
        // Fewer, shorter retries than object_store's defaults (10 over 3
        // minutes): a deploy in CI should fail in seconds, not hang.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..RetryConfig::default()
        };
        let client = ClientOptions::new()
            .with_timeout(Duration::from_secs(120))
            .with_connect_timeout(Duration::from_secs(10));
        let built: Result<Arc<dyn ObjectStore>, object_store::Error> = match target.provider {
            Provider::S3 => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(&target.bucket)
                    .with_retry(retry)
                    .with_client_options(client);
                if let Some(region) = &target.region {
                    builder = builder.with_region(region);
                }
                let endpoint = target
                    .endpoint
                    .clone()
                    .or_else(|| env("AWS_ENDPOINT_URL").or_else(|| env("AWS_ENDPOINT")));
                if let Some(endpoint) = endpoint {
                    // A password in the endpoint's user info is echoed in
                    // the client's errors.
                    crate::secrets::register_url(&endpoint);
                    // MinIO and test servers run on plain HTTP; allowing it is
                    // what writing an http:// endpoint asks for.
                    let http = endpoint.starts_with("http://");
                    builder = builder.with_endpoint(endpoint).with_allow_http(http);
                }
                builder.build().map(|s| Arc::new(s) as _)
            }
            Provider::Gcs => GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&target.bucket)
                .with_retry(retry)
                .with_client_options(client)
                .build()
                .map(|s| Arc::new(s) as _),
            Provider::Azure => MicrosoftAzureBuilder::from_env()
                .with_container_name(&target.bucket)
                .with_retry(retry)
                .with_client_options(client)
                .build()
                .map(|s| Arc::new(s) as _),
        };
        let store = built.map_err(|e| DeployError::ClientRefused {
            name: target.name.clone(),
            place: target.to_string(),
            message: crate::secrets::scrub(&e.to_string()),
        })?;
        Ok(Bucket {
            store,
            prefix: target.prefix.clone(),
            label: target.to_string(),
        })
    }

    /// A bucket over any store, for tests.
    #[cfg(test)]
    pub fn over(store: Arc<dyn ObjectStore>, prefix: &str) -> Bucket {
        Bucket {
            store,
            prefix: prefix.into(),
            label: format!("memory://{prefix}"),
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    fn key(&self, key: &str) -> Result<Key, DeployError> {
        let full = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        };
        Key::parse(&full).map_err(|source| DeployError::NotAKey {
            key: key.to_string(),
            source,
        })
    }

    /// Every object under the prefix, with keys relative to it.
    pub async fn list(&self) -> Result<Vec<Stored>, DeployError> {
        let prefix = if self.prefix.is_empty() {
            None
        } else {
            Some(
                Key::parse(&self.prefix).map_err(|source| DeployError::NotAPrefix {
                    place: self.label.clone(),
                    source,
                })?,
            )
        };
        let listed: Vec<object_store::ObjectMeta> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|e| self.explain("listing", &e))?;
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        Ok(listed
            .into_iter()
            .filter_map(|meta| {
                let key = meta.location.as_ref().strip_prefix(&strip)?.to_string();
                Some(Stored {
                    key,
                    size: meta.size,
                    e_tag: meta.e_tag,
                })
            })
            .collect())
    }

    /// The MD5 Rounds kept in the object's metadata when it uploaded it.
    pub async fn kept_md5(&self, key: &str) -> Result<Option<String>, DeployError> {
        let options = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        let result = self
            .store
            .get_opts(&self.key(key)?, options)
            .await
            .map_err(|e| self.explain(key, &e))?;
        Ok(result
            .attributes
            .get(&Attribute::Metadata(MD5_METADATA.into()))
            .map(|v| v.as_ref().to_string()))
    }

    /// Uploads one file in a single request, so S3's ETag is its MD5.
    pub async fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        md5: &str,
        headers: &Headers,
    ) -> Result<(), DeployError> {
        let mut attributes = Attributes::new();
        attributes.insert(
            Attribute::ContentType,
            headers.media.content_type.clone().into(),
        );
        attributes.insert(
            Attribute::CacheControl,
            headers.cache_control.clone().into(),
        );
        if let Some(encoding) = headers.media.content_encoding {
            attributes.insert(Attribute::ContentEncoding, encoding.into());
        }
        attributes.insert(
            Attribute::Metadata(MD5_METADATA.into()),
            md5.to_string().into(),
        );
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&self.key(key)?, PutPayload::from(body), options)
            .await
            .map(|_| ())
            .map_err(|e| self.explain(key, &e))
    }

    pub async fn delete(&self, key: &str) -> Result<(), DeployError> {
        self.store
            .delete(&self.key(key)?)
            .await
            .map_err(|e| self.explain(key, &e))
    }

    /// An error in words, with what to do about the common ones.
    fn explain(&self, doing: &str, error: &object_store::Error) -> DeployError {
        let hint = match error {
            object_store::Error::Unauthenticated { .. } => Some(Hint::Credentials),
            object_store::Error::PermissionDenied { .. } => Some(Hint::Permission),
            object_store::Error::NotFound { .. } if doing == "listing" => Some(Hint::NoBucket),
            _ => no_answer(error).map(|why| match why {
                NoAnswer::Refused => Hint::Refused,
                NoAnswer::TimedOut => Hint::TimedOut,
            }),
        };
        DeployError::Request {
            place: self.label.clone(),
            doing: doing.to_string(),
            message: crate::secrets::scrub(&error.to_string()),
            hint,
        }
    }
}

/// Why a request got no answer at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoAnswer {
    Refused,
    TimedOut,
}

/// Walks an error's causes for the reason nothing answered: the clients'
/// own messages stop at "error sending request", and the words a person
/// searches for ("connection refused", "timed out") are in a cause.
fn no_answer(error: &(dyn std::error::Error + 'static)) -> Option<NoAnswer> {
    use object_store::client::{HttpError, HttpErrorKind};
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Some(NoAnswer::Refused),
                std::io::ErrorKind::TimedOut => return Some(NoAnswer::TimedOut),
                _ => {}
            }
        }
        if e.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
            || e.downcast_ref::<HttpError>()
                .is_some_and(|h| h.kind() == HttpErrorKind::Timeout)
        {
            return Some(NoAnswer::TimedOut);
        }
        cause = e.source();
    }
    None
}

/// A variable that is no secret (a name, a region, a file's path), if set.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The credential variables each provider reads, as alternatives: any one
/// group fully set will do.
fn credential_groups(provider: Provider) -> &'static [&'static [&'static str]] {
    match provider {
        Provider::S3 => &[
            &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
            &["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"],
            &["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"],
            &["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            &["AWS_SKIP_SIGNATURE"],
        ],
        Provider::Gcs => &[
            &["GOOGLE_SERVICE_ACCOUNT"],
            &["GOOGLE_SERVICE_ACCOUNT_PATH"],
            &["GOOGLE_SERVICE_ACCOUNT_KEY"],
            &["GOOGLE_APPLICATION_CREDENTIALS"],
        ],
        Provider::Azure => &[
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY"],
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCESS_KEY"],
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_SAS_KEY"],
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_TOKEN"],
            &[
                "AZURE_STORAGE_ACCOUNT_NAME",
                "AZURE_CLIENT_ID",
                "AZURE_CLIENT_SECRET",
                "AZURE_TENANT_ID",
            ],
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_FEDERATED_TOKEN_FILE"],
            &["AZURE_STORAGE_ACCOUNT_NAME", "AZURE_USE_AZURE_CLI"],
            &["AZURE_STORAGE_USE_EMULATOR"],
        ],
    }
}

fn check_credentials(target: &Target) -> Result<(), DeployError> {
    let groups = credential_groups(target.provider);
    if groups
        .iter()
        .any(|group| group.iter().all(|v| env(v).is_some()))
    {
        return Ok(());
    }
    // The group the user started filling in, to name what it still lacks.
    let started = groups
        .iter()
        .find(|group| group.len() > 1 && group.iter().any(|v| env(v).is_some()));
    let set = match (target.provider, started) {
        (_, Some(group)) => group
            .iter()
            .filter(|v| env(v).is_none())
            .copied()
            .collect::<Vec<_>>()
            .join(" and "),
        (Provider::S3, None) => {
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (for R2, B2 and MinIO: their S3 API keys)"
                .into()
        }
        (Provider::Gcs, None) => {
            "GOOGLE_APPLICATION_CREDENTIALS (the path of a service account key file)".into()
        }
        (Provider::Azure, None) => {
            "AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY (or AZURE_STORAGE_SAS_KEY)"
                .into()
        }
    };
    Err(DeployError::NoCredentials {
        name: target.name.clone(),
        place: target.to_string(),
        set,
    })
}

/// Registers every secret variable that is set: the provider's client reads
/// them itself, and may echo them in its errors.
fn register_secrets() {
    const SECRET: &[&str] = &[
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "GOOGLE_SERVICE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCESS_KEY",
        "AZURE_STORAGE_SAS_KEY",
        "AZURE_STORAGE_TOKEN",
        "AZURE_CLIENT_SECRET",
    ];
    for name in SECRET {
        crate::secrets::from_env(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_is_told_from_the_causes() {
        #[derive(Debug)]
        struct Wrapped(std::io::Error);
        impl std::fmt::Display for Wrapped {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "error sending request")
            }
        }
        impl std::error::Error for Wrapped {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let refused = Wrapped(std::io::ErrorKind::ConnectionRefused.into());
        assert_eq!(no_answer(&refused), Some(NoAnswer::Refused));
        let slow = Wrapped(std::io::ErrorKind::TimedOut.into());
        assert_eq!(no_answer(&slow), Some(NoAnswer::TimedOut));
        let other = Wrapped(std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(no_answer(&other), None);
    }

    #[test]
    fn objects_keep_their_headers_and_hash() {
        super::super::block_on(objects_keep_their_headers_and_hash_async());
    }

    async fn objects_keep_their_headers_and_hash_async() {
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let bucket = Bucket::over(store.clone(), "site");
        let headers = Headers {
            media: Media::of("style.css.gz"),
            cache_control: "public, max-age=3600".into(),
        };
        bucket
            .put("style.css.gz", b"body".to_vec(), "abc123", &headers)
            .await
            .unwrap();
        let listed = bucket.list().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].key, "style.css.gz");
        assert_eq!(
            bucket.kept_md5("style.css.gz").await.unwrap().as_deref(),
            Some("abc123")
        );
        let stored = store.get(&Key::from("site/style.css.gz")).await.unwrap();
        assert_eq!(
            stored
                .attributes
                .get(&Attribute::ContentEncoding)
                .map(|v| v.as_ref()),
            Some("gzip")
        );
        assert_eq!(
            stored
                .attributes
                .get(&Attribute::CacheControl)
                .map(|v| v.as_ref()),
            Some("public, max-age=3600")
        );
        bucket.delete("style.css.gz").await.unwrap();
        assert!(bucket.list().await.unwrap().is_empty());
    }
}
