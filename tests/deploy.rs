//! `rounds deploy` against a real S3-compatible server (moto, started by
//! `./scripts/test`), and the CI files `rounds init` writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::s3::{self, create_bucket, get_object, list, put_object};
use crate::common::{rounds, stderr, tree};
use serde_json::Value;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/example-site");

/// A valid gzip stream of nothing, as a pre-compressed file would be.
const EMPTY_GZIP: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
];

/// A copy of the example site that deploys to `bucket` on the test server
/// under the prefix `clinic`, with a JSON file, a pre-compressed stylesheet
/// and a file name with spaces added, built into its `public/`.
struct Site {
    dir: tempfile::TempDir,
    url: String,
    bucket: String,
}

impl Site {
    fn new(url: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(Path::new(EXAMPLE), dir.path());
        let site = Site {
            dir,
            url: url.to_string(),
            bucket: create_bucket(url),
        };
        site.write("static/data/clinic.json", b"{\"open\": true}\n");
        site.write("static/extra.css.gz", EMPTY_GZIP);
        // Clinics upload handouts named as they were saved.
        site.write("static/files/visit guide (2026).txt", b"Bring your card.\n");
        let mut config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
        config.push_str(&format!(
            "\n[deploy.targets.test]\nurl = \"s3://{}/clinic?region=us-east-1&endpoint={}\"\n\n\
             [[deploy.cache]]\npattern = \"images/**\"\ncache_control = \"public, max-age=604800\"\n",
            site.bucket, url
        ));
        site.write("config.toml", config.as_bytes());
        site.build();
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    fn write(&self, path: &str, bytes: &[u8]) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn build(&self) {
        let out = rounds()
            .args(["build", "--quiet", "--root"])
            .arg(self.root())
            .output()
            .unwrap();
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    }

    /// `rounds deploy` with the test server's (fake) credentials.
    fn deploy(&self, args: &[&str]) -> Output {
        let mut cmd = rounds();
        cmd.arg("deploy").arg("--root").arg(self.root()).args(args);
        with_test_credentials(&mut cmd);
        cmd.output().unwrap()
    }

    /// `rounds deploy --format json …`, which must succeed; its report.
    fn deploy_json(&self, args: &[&str]) -> Value {
        let out = self.deploy(&[&["--format", "json"], args].concat());
        assert!(out.status.success(), "deploy failed:\n{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
        })
    }

    /// The bucket's keys under `clinic/`, relative to it, with their ETags.
    fn stored(&self) -> BTreeMap<String, String> {
        list(&self.url, &self.bucket)
            .into_iter()
            .filter_map(|(k, e)| Some((k.strip_prefix("clinic/")?.to_string(), e)))
            .collect()
    }

    fn object(&self, key: &str) -> s3::Object {
        let object = get_object(&self.url, &self.bucket, &format!("clinic/{key}"));
        assert_eq!(object.status, 200, "GET {key}");
        object
    }

    /// Edits one post, as a writer would, and rebuilds.
    fn edit_a_post(&self) {
        let post = self.root().join("content/blog/stress-test-prep.md");
        let mut text = std::fs::read_to_string(&post).unwrap();
        text.push_str("\nBring a list of your medicines to the test.\n");
        std::fs::write(post, text).unwrap();
        self.build();
    }
}

fn with_test_credentials(cmd: &mut assert_cmd::Command) {
    cmd.env("AWS_ACCESS_KEY_ID", "rounds-test")
        .env("AWS_SECRET_ACCESS_KEY", "rounds-test-secret")
        .env("AWS_REGION", "us-east-1");
    for var in [
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
    ] {
        cmd.env_remove(var);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() != 1 || (name != "public" && name != "outreach")
    }) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The site paths whose bytes differ between two builds, or are new.
fn changed(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)]) -> Vec<String> {
    let before: BTreeMap<&String, &Vec<u8>> = before.iter().map(|(k, v)| (k, v)).collect();
    after
        .iter()
        .filter(|(key, bytes)| before.get(key) != Some(&bytes))
        .map(|(key, _)| key.replace('\\', "/"))
        .collect()
}

#[test]
fn deploys_the_example_site_then_only_what_changed() {
    let Some(url) = s3::s3_url_or_skip() else {
        return;
    };
    let site = Site::new(&url);
    // Something else keeps files in the bucket too; a deploy leaves them be.
    put_object(&url, &site.bucket, "other/keep.txt", b"not the site's");
    let files = tree(&site.public());

    let first = site.deploy_json(&[]);
    let keys: Vec<String> = files.iter().map(|(k, _)| k.replace('\\', "/")).collect();
    assert_eq!(strings(&first["uploaded"]), keys);
    assert_eq!(first["unchanged"], 0);
    assert_eq!(first["target"], "test");
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(first["bytes"], bytes);

    // Read back: every file, byte for byte, with the ETag S3 gives one PUT.
    let stored = site.stored();
    assert_eq!(stored.keys().cloned().collect::<Vec<_>>(), keys);
    let home = site.object("index.html");
    assert_eq!(
        home.body,
        std::fs::read(site.public().join("index.html")).unwrap()
    );
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        home.header("cache-control"),
        Some("public, max-age=0, must-revalidate")
    );
    let kinds = [
        (
            "blog/stress-test-prep/index.html",
            "text/html; charset=utf-8",
        ),
        ("style.css", "text/css; charset=utf-8"),
        ("rss.xml", "text/xml; charset=utf-8"),
        ("sitemap.xml", "text/xml; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
        ("data/clinic.json", "application/json; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
    ];
    for (key, kind) in kinds {
        assert_eq!(site.object(key).header("content-type"), Some(kind), "{key}");
    }
    assert_eq!(
        site.object("rss.xml").header("cache-control"),
        Some("public, max-age=300")
    );
    assert_eq!(
        site.object("style.css").header("cache-control"),
        Some("public, max-age=3600")
    );
    // The site's own rule comes before the defaults.
    assert_eq!(
        site.object("images/clinic.svg").header("cache-control"),
        Some("public, max-age=604800")
    );
    let compressed = site.object("extra.css.gz");
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));
    assert_eq!(
        compressed.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(compressed.body, EMPTY_GZIP);

    // Nothing changed: nothing goes up.
    let again = site.deploy_json(&[]);
    assert_eq!(strings(&again["uploaded"]), Vec::<String>::new());
    assert_eq!(again["unchanged"], files.len());
    assert_eq!(again["bytes"], 0);

    // One post changed: exactly the files whose bytes changed go up.
    site.edit_a_post();
    let expected = changed(&files, &tree(&site.public()));
    assert!(
        expected.contains(&"blog/stress-test-prep/index.html".to_string()),
        "{expected:?}"
    );
    assert!(expected.len() < files.len() / 4, "{expected:?}");
    let third = site.deploy_json(&[]);
    assert_eq!(strings(&third["uploaded"]), expected);
    assert_eq!(third["unchanged"], files.len() - expected.len());
    let page = site.object("blog/stress-test-prep/index.html");
    assert!(String::from_utf8_lossy(&page.body).contains("Bring a list of your medicines"));
    assert!(list(&url, &site.bucket).contains_key("other/keep.txt"));
}

#[test]
fn a_dry_run_lists_the_changes_and_touches_nothing() {
    let Some(url) = s3::s3_url_or_skip() else {
        return;
    };
    let site = Site::new(&url);
    site.deploy_json(&[]);
    put_object(&url, &site.bucket, "clinic/old/index.html", b"<p>moved</p>");
    site.edit_a_post();
    let before = list(&url, &site.bucket);

    let dry = site.deploy_json(&["--dry-run", "--delete"]);
    assert_eq!(dry["dry_run"], true);
    assert!(
        strings(&dry["uploaded"]).contains(&"blog/stress-test-prep/index.html".to_string()),
        "{dry}"
    );
    assert_eq!(strings(&dry["deleted"]), ["old/index.html"]);
    assert_eq!(
        list(&url, &site.bucket),
        before,
        "a dry run changed the bucket"
    );

    // The human form lists each change on stdout.
    let out = site.deploy(&["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("would upload  blog/stress-test-prep/index.html"),
        "{listed}"
    );
    assert!(stderr(&out).contains("Dry run"), "{}", stderr(&out));
    assert_eq!(list(&url, &site.bucket), before);
}

#[test]
fn delete_removes_only_what_the_site_no_longer_has_under_the_prefix() {
    let Some(url) = s3::s3_url_or_skip() else {
        return;
    };
    let site = Site::new(&url);
    site.deploy_json(&[]);
    put_object(&url, &site.bucket, "clinic/old/index.html", b"<p>moved</p>");
    put_object(&url, &site.bucket, "other/keep.txt", b"not the site's");
    put_object(
        &url,
        &site.bucket,
        "clinic-archive/a.html",
        b"a sibling folder",
    );

    let kept = site.deploy_json(&[]);
    assert_eq!(strings(&kept["stale"]), ["old/index.html"]);
    assert_eq!(strings(&kept["deleted"]), Vec::<String>::new());
    assert!(site.stored().contains_key("old/index.html"));

    let deleted = site.deploy_json(&["--delete"]);
    assert_eq!(strings(&deleted["deleted"]), ["old/index.html"]);
    assert_eq!(strings(&deleted["uploaded"]), Vec::<String>::new());
    let all = list(&url, &site.bucket);
    assert!(!all.contains_key("clinic/old/index.html"));
    assert!(all.contains_key("other/keep.txt"));
    assert!(all.contains_key("clinic-archive/a.html"));
    assert!(all.contains_key("clinic/index.html"));
}

#[test]
fn the_endpoint_can_come_from_the_environment() {
    let Some(url) = s3::s3_url_or_skip() else {
        return;
    };
    let site = Site::new(&url);
    let bucket = site.bucket.clone();
    let mut config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let cut = config.find("\n[deploy.targets.test]").unwrap();
    config.truncate(cut);
    config.push_str(&format!(
        "\n[deploy]\ntarget = \"www\"\n\n[deploy.targets.www]\nbucket = \"{bucket}\"\n\n\
         [deploy.targets.other]\nurl = \"s3://elsewhere\"\n"
    ));
    site.write("config.toml", config.as_bytes());
    let mut cmd = rounds();
    cmd.args(["deploy", "--quiet", "--root"]).arg(site.root());
    with_test_credentials(&mut cmd);
    let out = cmd.env("AWS_ENDPOINT_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // No prefix: the site is at the bucket's root.
    assert!(list(&url, &bucket).contains_key("index.html"));
}

#[test]
fn missing_credentials_name_the_variables_to_set() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(EXAMPLE), dir.path());
    let config = dir.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[deploy.targets.www]\nurl = \"s3://clinic-www\"\n");
    std::fs::write(&config, text).unwrap();
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    std::fs::write(dir.path().join("public/index.html"), "home").unwrap();
    let mut cmd = rounds();
    cmd.args(["deploy", "--root"]).arg(dir.path());
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_SKIP_SIGNATURE",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("target `www` (s3://clinic-www)"), "{err}");
    assert!(
        err.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );

    // Half a key pair: the message names the missing half, never the value.
    let out = cmd
        .env("AWS_ACCESS_KEY_ID", "AKIAROUNDSTEST")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("set AWS_SECRET_ACCESS_KEY"), "{err}");
    assert!(!err.contains("AKIAROUNDSTEST"), "{err}");
}

#[test]
fn deploy_config_mistakes_are_reported_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(EXAMPLE), dir.path());
    let config = dir.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[deploy.targets.www]\nbukcet = \"clinic-www\"\n");
    let line = text.lines().count();
    std::fs::write(&config, text).unwrap();
    let out = rounds()
        .args(["deploy", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("unknown key `deploy.targets.www.bukcet`"),
        "{err}"
    );
    assert!(err.contains(&format!("config.toml:{line}:1")), "{err}");
    assert!(err.contains("did you mean `bucket`?"), "{err}");
    // The build reports it too, so CI stops before the deploy step.
    let out = rounds()
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("did you mean `bucket`?"),
        "{}",
        stderr(&out)
    );

    // And a target that is not there.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("bukcet", "bucket");
    std::fs::write(&config, text).unwrap();
    let out = rounds()
        .args(["deploy", "--target", "wwww", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no deploy target `wwww`; did you mean `www`?"),
        "{}",
        stderr(&out)
    );
}

/// The workflow `rounds init` writes, and the example site carries.
fn init_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = rounds()
        .arg("init")
        .arg(dir.path().join("clinic"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

#[test]
fn init_writes_the_example_sites_ci_files() {
    let dir = init_site();
    let root = dir.path().join("clinic");
    for file in [".github/workflows/rounds.yml", "netlify.toml"] {
        let written = std::fs::read(root.join(file)).unwrap();
        let example = std::fs::read(Path::new(EXAMPLE).join(file)).unwrap();
        assert!(
            written == example,
            "example-site/{file} differs from what `rounds init` writes"
        );
    }
}

#[test]
fn the_workflow_is_valid_for_github() {
    let dir = init_site();
    let workflow = dir.path().join("clinic/.github/workflows/rounds.yml");
    let Some(checker) = check_jsonschema() else {
        return;
    };
    let out = std::process::Command::new(&checker)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(&workflow)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

/// `ROUNDS_TEST_CHECK_JSONSCHEMA`, or the one `tests/peers/jsonschema/install.sh`
/// put in target/peers; skipped (or a failure where peers are required) without.
fn check_jsonschema() -> Option<PathBuf> {
    let installed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/peers/jsonschema/bin/check-jsonschema"
    );
    let found = std::env::var("ROUNDS_TEST_CHECK_JSONSCHEMA")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            Path::new(installed)
                .exists()
                .then(|| PathBuf::from(installed))
        });
    match found {
        Some(path) => Some(path),
        None if crate::common::pds::peers_required() => {
            panic!("no check-jsonschema: run ./scripts/test (tests/peers/jsonschema/install.sh)")
        }
        None => {
            eprintln!("skipped: no check-jsonschema; run ./scripts/test");
            None
        }
    }
}

#[test]
fn the_workflow_deploys_then_publishes_and_records_the_ledger() {
    let dir = init_site();
    let text =
        std::fs::read_to_string(dir.path().join("clinic/.github/workflows/rounds.yml")).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    assert!(workflow["on"].get("workflow_dispatch").is_some());
    assert_eq!(workflow["concurrency"]["group"], "rounds-publish");
    assert_eq!(workflow["concurrency"]["cancel-in-progress"], false);

    let jobs = &workflow["jobs"];
    let steps = |job: &str| -> Vec<Value> {
        jobs[job]["steps"]
            .as_array()
            .unwrap_or_else(|| panic!("no job {job}"))
            .clone()
    };
    let runs = |job: &str| -> String {
        steps(job)
            .iter()
            .filter_map(|s| s["run"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let uses = |job: &str| -> Vec<String> {
        steps(job)
            .iter()
            .filter_map(|s| s["uses"].as_str().map(String::from))
            .collect()
    };
    let build = runs("build");
    assert!(
        build.find("rounds check").unwrap() < build.find("rounds build").unwrap(),
        "{build}"
    );
    assert!(uses("build").contains(&"actions/upload-pages-artifact@v3".to_string()));
    assert!(uses("deploy").contains(&"actions/deploy-pages@v4".to_string()));
    assert_eq!(jobs["deploy"]["environment"]["name"], "github-pages");
    assert_eq!(jobs["deploy"]["permissions"]["pages"], "write");
    assert_eq!(jobs["deploy"]["permissions"]["id-token"], "write");

    assert_eq!(jobs["publish"]["needs"], "deploy");
    assert_eq!(jobs["publish"]["permissions"]["contents"], "write");
    let publish = steps("publish");
    let post = publish
        .iter()
        .find(|s| s["run"].as_str() == Some("rounds publish --yes"))
        .expect("a `rounds publish --yes` step");
    for secret in [
        "ROUNDS_MASTODON_TOKEN",
        "ROUNDS_BLUESKY_HANDLE",
        "ROUNDS_BLUESKY_APP_PASSWORD",
    ] {
        assert_eq!(
            post["env"][secret],
            format!("${{{{ secrets.{secret} }}}}"),
            "{secret}"
        );
    }
    let ledger = runs("publish");
    assert!(ledger.contains("git add syndication.toml"), "{ledger}");
    assert!(ledger.contains("[skip ci]"), "{ledger}");
    assert!(ledger.contains("git push"), "{ledger}");
}

#[test]
fn netlify_toml_builds_and_publishes_public() {
    let dir = init_site();
    let text = std::fs::read_to_string(dir.path().join("clinic/netlify.toml")).unwrap();
    let netlify: toml::Table = toml::from_str(&text).expect("netlify.toml is TOML");
    let build = netlify["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    let command = build["command"].as_str().unwrap();
    assert!(command.contains("rounds check") && command.contains("rounds build"));
    let headers = netlify["headers"].as_array().unwrap();
    assert!(headers.iter().all(|h| h.get("for").is_some()));
}
