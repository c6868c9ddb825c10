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
    /// Secrets from the environment, blanked out of any error text.
    secrets: Vec<String>,
}

impl Bucket {
    /// Connects to `target` with credentials from the environment. Fails,
    /// naming the variables to set, when there are none: without them the
    /// clients would ask a cloud metadata service, which is slow and
    /// confusing off the cloud.
    pub fn connect(target: &Target) -> Result<Bucket, String> {
        check_credentials(target)?;
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
        let secrets = secrets();
        let store = built.map_err(|e| {
            format!(
                "target `{}` ({target}): {}",
                target.name,
                scrub(&e.to_string(), &secrets)
            )
        })?;
        Ok(Bucket {
            store,
            prefix: target.prefix.clone(),
            label: target.to_string(),
            secrets,
        })
    }

    /// A bucket over any store, for tests.
    #[cfg(test)]
    pub fn over(store: Arc<dyn ObjectStore>, prefix: &str) -> Bucket {
        Bucket {
            store,
            prefix: prefix.into(),
            label: format!("memory://{prefix}"),
            secrets: Vec::new(),
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    fn key(&self, key: &str) -> Result<Key, String> {
        let full = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        };
        Key::parse(&full).map_err(|e| format!("{key}: not a valid object key ({e})"))
    }

    /// Every object under the prefix, with keys relative to it.
    pub async fn list(&self) -> Result<Vec<Stored>, String> {
        let prefix = if self.prefix.is_empty() {
            None
        } else {
            Some(Key::parse(&self.prefix).map_err(|e| format!("{}: {e}", self.label))?)
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
    pub async fn kept_md5(&self, key: &str) -> Result<Option<String>, String> {
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
    ) -> Result<(), String> {
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

    pub async fn delete(&self, key: &str) -> Result<(), String> {
        self.store
            .delete(&self.key(key)?)
            .await
            .map_err(|e| self.explain(key, &e))
    }

    /// An error in words, with what to do about the common ones.
    fn explain(&self, doing: &str, error: &object_store::Error) -> String {
        let hint = match error {
            object_store::Error::Unauthenticated { .. } => {
                " (check the credentials in the environment)"
            }
            object_store::Error::PermissionDenied { .. } => {
                " (the credentials may not write to this bucket)"
            }
            object_store::Error::NotFound { .. } if doing == "listing" => {
                " (does the bucket exist?)"
            }
            _ => "",
        };
        let message = scrub(&error.to_string(), &self.secrets);
        format!("{}: {doing}: {message}{hint}", self.label)
    }
}

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

fn check_credentials(target: &Target) -> Result<(), String> {
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
    Err(format!(
        "target `{}` ({target}): no credentials; set {set}",
        target.name
    ))
}

/// The values of every secret variable that is set, to blank out of errors.
fn secrets() -> Vec<String> {
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
    SECRET.iter().filter_map(|v| env(v)).collect()
}

/// Blanks out secrets, and signatures in any URL an error quotes.
fn scrub(message: &str, secrets: &[String]) -> String {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let out = crate::publish::scrub(message, &secrets);
    let signed = regex::Regex::new(
        r"(?i)\b(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=[^&\s]+",
    )
    .expect("a valid pattern");
    signed.replace_all(&out, "$1=[redacted]").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_and_secrets_are_scrubbed() {
        let message = "GET https://x.blob.core.windows.net/c/a?sv=1&sig=abcDEF%2B&se=2 failed: key s3cr3t-value";
        let out = scrub(message, &["s3cr3t-value".to_string()]);
        assert!(!out.contains("abcDEF"), "{out}");
        assert!(!out.contains("s3cr3t-value"), "{out}");
        assert!(out.contains("sig=[redacted]"), "{out}");
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
