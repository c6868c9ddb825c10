//! Deploy: the built site (`public/`) to object storage, only what changed.
//!
//! Load `[deploy]` ([`target`]) → scan the site and list the target
//! ([`plan`]) → compare content hashes → upload new and changed files with
//! their headers ([`media`], [`cache`]) and, with `--delete`, remove what the
//! site no longer has ([`store`]).

pub mod cache;
mod error;
pub mod media;
pub mod plan;
pub mod store;
pub mod target;

use std::collections::HashMap;

use futures::{StreamExt, stream};

use crate::progress::Progress;
use cache::CachePolicy;
pub use error::DeployError;
use media::Media;
use plan::{Plan, SiteFile, Upload};
use store::{Bucket, Headers};

/// Requests in flight at once: enough to hide the latency of small files,
/// few enough to stay under the providers' per-client limits.
const CONCURRENCY: usize = 8;

/// What the user asked of this deploy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// List the changes and touch nothing.
    pub dry_run: bool,
    /// Remove objects under the prefix that the site no longer has.
    pub delete: bool,
    /// Upload every file, also unchanged ones (after changing cache rules).
    pub force: bool,
}

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    /// Site paths uploaded, sorted.
    pub uploaded: Vec<String>,
    pub unchanged: usize,
    /// Site paths deleted, sorted.
    pub deleted: Vec<String>,
    /// Objects the site no longer has, left in place without `--delete`.
    pub stale: Vec<String>,
    /// Bytes uploaded.
    pub bytes: u64,
    /// Site paths that failed, with why, sorted by path.
    pub failed: Vec<(String, DeployError)>,
}

/// The runtime the deploy's requests run on: one thread, since the work is
/// waiting on the network, not computing.
pub fn runtime() -> Result<tokio::runtime::Runtime, DeployError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(DeployError::Runtime)
}

#[cfg(test)]
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().expect("runtime").block_on(future)
}

/// Brings the bucket in line with `files`.
pub async fn deploy(
    bucket: &Bucket,
    files: Vec<SiteFile>,
    cache: &CachePolicy,
    options: Options,
    progress: &Progress,
) -> Result<Report, DeployError> {
    let stored = bucket.list().await?;
    let mut plan = Plan::new(files, &stored, options.force);
    let kept = kept_hashes(bucket, &plan).await?;
    plan.settle(&kept);

    let mut report = Report {
        dry_run: options.dry_run,
        unchanged: plan.unchanged.len(),
        ..Report::default()
    };
    let doomed = if options.delete {
        std::mem::take(&mut plan.stale)
    } else {
        Vec::new()
    };
    report.stale = plan.stale.clone();
    if options.dry_run {
        report.uploaded = plan::keys(&plan.upload);
        report.bytes = plan.upload_bytes();
        report.deleted = doomed;
        return Ok(report);
    }

    progress.start("Uploading", (plan.upload.len() + doomed.len()) as u64);
    upload_all(bucket, &plan.upload, cache, progress, &mut report).await;
    // Old pages go only after the new ones are up, so no link breaks between.
    delete_all(bucket, &doomed, progress, &mut report).await;
    progress.finish();
    report.uploaded.sort();
    report.deleted.sort();
    report.failed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(report)
}

/// Uploads the plan's files, a few at a time, into the report.
async fn upload_all(
    bucket: &Bucket,
    uploads: &[Upload],
    cache: &CachePolicy,
    progress: &Progress,
    report: &mut Report,
) {
    let done = stream::iter(uploads)
        .map(|upload| async move {
            let result = upload_one(bucket, &upload.file, cache).await;
            progress.inc();
            (upload, result)
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    for (upload, result) in done {
        match result {
            Ok(bytes) => {
                report.uploaded.push(upload.file.key.clone());
                report.bytes += bytes;
            }
            Err(why) => report.failed.push((upload.file.key.clone(), why)),
        }
    }
}

/// Deletes the stored objects the site no longer has, into the report.
async fn delete_all(bucket: &Bucket, doomed: &[String], progress: &Progress, report: &mut Report) {
    let done = stream::iter(doomed)
        .map(|key| async move {
            let result = bucket.delete(key).await;
            progress.inc();
            (key, result)
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    for (key, result) in done {
        match result {
            Ok(()) => report.deleted.push(key.clone()),
            Err(why) => report.failed.push((key.clone(), why)),
        }
    }
}

/// The headers a site file is served with.
pub fn headers(key: &str, cache: &CachePolicy) -> Headers {
    Headers {
        media: Media::of(key),
        cache_control: cache.cache_control(Media::served_name(key)).to_string(),
    }
}

/// Reads and uploads one file; the bytes sent.
async fn upload_one(
    bucket: &Bucket,
    file: &SiteFile,
    cache: &CachePolicy,
) -> Result<u64, DeployError> {
    let body = std::fs::read(&file.path).map_err(|source| DeployError::FileUnreadable {
        path: file.path.clone(),
        source,
    })?;
    let size = body.len() as u64;
    // Hashed again as sent, in case the site was rebuilt since the scan.
    let md5 = plan::md5_hex(&body);
    bucket
        .put(&file.key, body, &md5, &headers(&file.key, cache))
        .await?;
    Ok(size)
}

/// The hashes kept in the metadata of the plan's unsure files.
async fn kept_hashes(
    bucket: &Bucket,
    plan: &Plan,
) -> Result<HashMap<String, Option<String>>, DeployError> {
    stream::iter(&plan.unsure)
        .map(|file| async move {
            let md5 = bucket.kept_md5(&file.key).await?;
            Ok::<_, DeployError>((file.key.clone(), md5))
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::ObjectStore;
    use object_store::memory::InMemory;

    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<SiteFile>) {
        let dir = tempfile::tempdir().unwrap();
        for (key, body) in files {
            let path = dir.path().join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let scanned = plan::scan(dir.path()).unwrap();
        (dir, scanned)
    }

    fn run(bucket: &Bucket, files: Vec<SiteFile>, options: Options) -> Report {
        block_on(deploy(
            bucket,
            files,
            &CachePolicy::default(),
            options,
            &Progress::new(false),
        ))
        .unwrap()
    }

    // The in-memory store's ETags are counters, not MD5s, as on Azure: every
    // comparison goes through the hash kept in the metadata.
    #[test]
    fn a_second_deploy_sends_only_what_changed() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let bucket = Bucket::over(store.clone(), "www");
        let (_dir, files) = site(&[("index.html", "home"), ("style.css", "body{}")]);
        let first = run(&bucket, files, Options::default());
        assert_eq!(first.uploaded, ["index.html", "style.css"]);
        assert_eq!(first.bytes, 10);

        let (_dir, files) = site(&[("index.html", "HOME"), ("style.css", "body{}")]);
        let second = run(&bucket, files.clone(), Options::default());
        assert_eq!(second.uploaded, ["index.html"]);
        assert_eq!(second.unchanged, 1);

        let third = run(&bucket, files, Options::default());
        assert!(third.uploaded.is_empty());
        assert_eq!(third.unchanged, 2);
    }

    #[test]
    fn dry_runs_touch_nothing_and_delete_stays_under_the_prefix() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let outside = Bucket::over(store.clone(), "other");
        let (_dir, files) = site(&[("keep.html", "x")]);
        run(&outside, files, Options::default());

        let bucket = Bucket::over(store.clone(), "www");
        let (_dir, files) = site(&[("old.html", "old"), ("index.html", "home")]);
        run(&bucket, files, Options::default());

        let (_dir, files) = site(&[("index.html", "home"), ("new.html", "new")]);
        let dry = run(
            &bucket,
            files.clone(),
            Options {
                dry_run: true,
                delete: true,
                ..Options::default()
            },
        );
        assert_eq!(dry.uploaded, ["new.html"]);
        assert_eq!(dry.deleted, ["old.html"]);
        let listed: Vec<String> = block_on(bucket.list())
            .unwrap()
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert!(
            !listed.contains(&"new.html".to_string()),
            "dry run uploaded"
        );

        let kept = run(&bucket, files.clone(), Options::default());
        assert_eq!(kept.stale, ["old.html"]);
        assert!(kept.deleted.is_empty());
        let deleted = run(
            &bucket,
            files,
            Options {
                delete: true,
                ..Options::default()
            },
        );
        assert_eq!(deleted.deleted, ["old.html"]);
        assert_eq!(block_on(outside.list()).unwrap().len(), 1);
    }

    #[test]
    fn headers_follow_the_served_name() {
        let cache = CachePolicy::default();
        let h = headers("blog/index.html", &cache);
        assert_eq!(h.media.content_type, "text/html; charset=utf-8");
        assert_eq!(h.cache_control, "public, max-age=0, must-revalidate");
        let gz = headers("style.css.gz", &cache);
        assert_eq!(gz.cache_control, "public, max-age=3600");
        assert_eq!(gz.media.content_encoding, Some("gzip"));
    }
}
