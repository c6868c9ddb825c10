//! Secrets never reach output (issue 14, defects 6, 7 and 15): a server whose
//! error reply echoes the request, on every network, leaves no credential in
//! stdout, stderr, the ledger or any file of the site; `rounds deploy` never
//! prints a password or a secret query value of a URL, and when it fails it
//! says why, also as JSON, in the words a person searches for.

use std::path::Path;
use std::process::Output;

use crate::common::contract::{Api, ContractServer, Fault, Request, Response};
use crate::common::{Fixture, ledger, post, rounds, stderr};
use serde_json::{Value, json};

/// Enough echo faults for every request one run makes.
const ECHOES: usize = 40;

/// A clinic with one due post (a teaser and a discussion item per network),
/// publishing to the networks in `networks` (TOML tables).
fn clinic(networks: &str) -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\ntags = [\"heart health\"]\n[social]\nteaser = \"Café-style tips for your blood pressure.\"\nask = \"Do you check yours at home?\"",
            "Body.",
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!("{}\n{networks}", crate::common::CONFIG),
    );
    fixture
}

/// `rounds publish --yes` with these variables, and the state folder (where
/// tokens are rightly kept) outside the site.
fn publish(fixture: &Fixture, state: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = rounds();
    command
        .env("ROUNDS_STATE_DIR", state)
        .env_remove("FAILPOINTS")
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Every request from now on is answered with itself.
fn echo_everything<A: Api>(server: &ContractServer<A>, status: u16) {
    for _ in 0..ECHOES {
        server.push_fault("/", Fault::Echo(status));
    }
}

/// No secret in stdout, stderr, or any file under the site's folder (the
/// ledger included); and the echo did reach the ledger, scrubbed, so the
/// secrets were there to leak.
fn assert_nothing_leaked(out: &Output, fixture: &Fixture, secrets: &[&str]) {
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out));
    for secret in secrets {
        assert!(!printed.contains(secret), "{secret} printed:\n{printed}");
        for (path, bytes) in crate::common::tree(fixture.root()) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{secret} written to {path}"
            );
        }
    }
    let errors: Vec<String> = ledger::records(fixture.root())
        .iter()
        .filter_map(|r| r.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .collect();
    assert!(
        errors.iter().any(|e| e.contains("HTTP/1.1")),
        "the echoed request reached the ledger: {errors:#?}\n{printed}"
    );
    assert!(!out.status.success(), "{printed}");
}

/// The server read the secret in the request it echoed.
fn assert_sent<A: Api>(server: &ContractServer<A>, secret: &str) {
    let sent = server.requests().iter().any(|r| {
        r.headers.iter().any(|(_, v)| v.contains(secret)) || r.body_text().contains(secret)
    });
    assert!(sent, "{secret} was never sent, so its echo proves nothing");
}

#[test]
fn an_echoing_mastodon_never_shows_the_token() {
    use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
    let server = MastodonServer::start();
    for _ in 0..ECHOES {
        server.push_fault("/", Fault::Echo(400));
    }
    let fixture = clinic(&format!(
        "[networks.mastodon]\ninstance = \"{}\"\n",
        server.url()
    ));
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)],
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.bearer() == Some(DEFAULT_TOKEN))
    );
    assert_nothing_leaked(&out, &fixture, &[DEFAULT_TOKEN]);
}

fn x_clinic(server: &crate::common::x::XServer) -> Fixture {
    clinic(&format!(
        "[networks.x]\naccount = \"@RiversideHeart\"\ninstance = \"{}\"\n",
        server.url()
    ))
}

#[test]
fn an_echoing_x_never_shows_the_oauth1_keys() {
    use crate::common::x_api::{CONSUMER_KEY, CONSUMER_SECRET, OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET};
    let server = crate::common::x::XServer::start();
    echo_everything(&server, 400);
    let fixture = x_clinic(&server);
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[
            ("ROUNDS_X_CONSUMER_KEY", CONSUMER_KEY),
            ("ROUNDS_X_CONSUMER_SECRET", CONSUMER_SECRET),
            ("ROUNDS_X_ACCESS_TOKEN", OAUTH1_TOKEN),
            ("ROUNDS_X_ACCESS_TOKEN_SECRET", OAUTH1_TOKEN_SECRET),
        ],
    );
    assert_sent(&server, CONSUMER_KEY);
    assert_sent(&server, OAUTH1_TOKEN);
    assert_nothing_leaked(
        &out,
        &fixture,
        &[
            CONSUMER_KEY,
            CONSUMER_SECRET,
            OAUTH1_TOKEN,
            OAUTH1_TOKEN_SECRET,
        ],
    );
}

#[test]
fn an_echoing_x_never_shows_the_oauth2_tokens() {
    use crate::common::x_api::{ACCESS_TOKEN, CLIENT_ID, REFRESH_TOKEN};
    let server = crate::common::x::XServer::start();
    echo_everything(&server, 400);
    let fixture = x_clinic(&server);
    let state = tempfile::tempdir().unwrap();
    let client_secret = "x-test-client-secret";
    let out = publish(
        &fixture,
        state.path(),
        &[
            ("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN),
            ("ROUNDS_X_REFRESH_TOKEN", REFRESH_TOKEN),
            ("ROUNDS_X_CLIENT_ID", CLIENT_ID),
            ("ROUNDS_X_CLIENT_SECRET", client_secret),
        ],
    );
    assert_sent(&server, ACCESS_TOKEN);
    assert_nothing_leaked(
        &out,
        &fixture,
        &[ACCESS_TOKEN, REFRESH_TOKEN, client_secret],
    );
}

#[test]
fn an_echoing_x_token_renewal_never_shows_the_client_credentials() {
    use crate::common::x_api::{ACCESS_TOKEN, CLIENT_ID, REFRESH_TOKEN};
    use base64::Engine;
    let server = crate::common::x::XServer::start();
    // Every post is refused as unauthorised, and every renewal it sets off
    // (HTTP Basic with the client's id and secret) is echoed.
    for _ in 0..ECHOES {
        server.push_fault("POST /2/tweets", Fault::Status(401));
        server.push_fault("/2/oauth2/token", Fault::Echo(400));
    }
    let fixture = x_clinic(&server);
    let state = tempfile::tempdir().unwrap();
    let client_secret = "x-test-client-secret";
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{client_secret}"));
    let out = publish(
        &fixture,
        state.path(),
        &[
            ("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN),
            ("ROUNDS_X_REFRESH_TOKEN", REFRESH_TOKEN),
            ("ROUNDS_X_CLIENT_ID", CLIENT_ID),
            ("ROUNDS_X_CLIENT_SECRET", client_secret),
        ],
    );
    assert_sent(&server, &basic);
    assert_nothing_leaked(
        &out,
        &fixture,
        &[ACCESS_TOKEN, REFRESH_TOKEN, client_secret, &basic],
    );
}

#[test]
fn an_echoing_linkedin_never_shows_the_token() {
    use crate::common::linkedin::{self, DEFAULT_TOKEN, ORGANIZATION};
    let server = linkedin::start();
    echo_everything(&server, 400);
    let fixture = clinic(&format!(
        "[networks.linkedin]\nid = \"{ORGANIZATION}\"\ninstance = \"{}\"\nreach = \"both\"\n",
        server.url()
    ));
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[("ROUNDS_LINKEDIN_TOKEN", DEFAULT_TOKEN)],
    );
    assert_sent(&server, DEFAULT_TOKEN);
    assert_nothing_leaked(&out, &fixture, &[DEFAULT_TOKEN]);
}

#[test]
fn an_echoing_facebook_never_shows_the_page_token() {
    use crate::common::facebook;
    let server = facebook::start();
    echo_everything(&server, 400);
    let fixture = clinic(&format!(
        "[networks.facebook]\ninstance = \"{}\"\nid = \"{}\"\n",
        server.url(),
        facebook::PAGE_ID
    ));
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[("ROUNDS_FACEBOOK_PAGE_TOKEN", facebook::TOKEN)],
    );
    assert_sent(&server, facebook::TOKEN);
    assert_nothing_leaked(&out, &fixture, &[facebook::TOKEN]);
}

#[test]
fn an_echoing_threads_never_shows_the_token() {
    use crate::common::threads;
    let server = threads::start();
    echo_everything(&server, 400);
    let fixture = clinic(&format!(
        "[networks.threads]\ninstance = \"{}\"\nid = \"{}\"\n",
        server.url(),
        threads::USER_ID
    ));
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[("ROUNDS_THREADS_TOKEN", threads::TOKEN)],
    );
    assert_sent(&server, threads::TOKEN);
    assert_nothing_leaked(&out, &fixture, &[threads::TOKEN]);
}

// ---------------------------------------------------------------------------
// Bluesky: no contract server exists for it (its tests use a real PDS when
// one runs), so this is the least of a PDS that logs in: createSession hands
// out a session, everything else is refused unless a fault answers first.

const BLUESKY_HANDLE: &str = "clinic.test";
const BLUESKY_PASSWORD: &str = "app-pass-word-1234";
const ACCESS_JWT: &str = "eyJ0eXAiOiJhdCtqd3QifQ.access-jwt-body.sig-one";
const REFRESH_JWT: &str = "eyJ0eXAiOiJyZWZyZXNoK2p3dCJ9.refresh-jwt-body.sig-two";

struct LoginOnlyPds;

impl Api for LoginOnlyPds {
    fn handle(&mut self, request: &Request, _violations: &mut Vec<String>) -> Response {
        match request.path.as_str() {
            "/xrpc/com.atproto.server.createSession" => Response::json(
                200,
                &json!({
                    "did": "did:plc:clinic",
                    "handle": BLUESKY_HANDLE,
                    "accessJwt": ACCESS_JWT,
                    "refreshJwt": REFRESH_JWT,
                }),
            ),
            _ => Response::json(
                400,
                &json!({"error": "InvalidRequest", "message": "not in this test"}),
            ),
        }
    }
}

fn bluesky(echo_path: &str) -> (ContractServer<LoginOnlyPds>, Fixture, Output) {
    let server = ContractServer::start(LoginOnlyPds);
    for _ in 0..ECHOES {
        server.push_fault(echo_path, Fault::Echo(400));
    }
    let fixture = clinic(&format!(
        "[networks.bluesky]\ninstance = \"{}\"\n",
        server.url()
    ));
    let state = tempfile::tempdir().unwrap();
    let out = publish(
        &fixture,
        state.path(),
        &[
            ("ROUNDS_BLUESKY_HANDLE", BLUESKY_HANDLE),
            ("ROUNDS_BLUESKY_APP_PASSWORD", BLUESKY_PASSWORD),
        ],
    );
    (server, fixture, out)
}

#[test]
fn an_echoing_bluesky_never_shows_the_session_tokens() {
    let (server, fixture, out) = bluesky("/xrpc/com.atproto.repo.");
    assert_sent(&server, ACCESS_JWT);
    assert_nothing_leaked(&out, &fixture, &[BLUESKY_PASSWORD, ACCESS_JWT, REFRESH_JWT]);
}

#[test]
fn an_echoing_bluesky_login_never_shows_the_app_password() {
    let (server, fixture, out) = bluesky("/xrpc/com.atproto.server.createSession");
    assert_sent(&server, BLUESKY_PASSWORD);
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!out.status.success());
    assert!(printed.contains("login failed"), "{printed}");
    assert!(
        printed.contains("HTTP/1.1"),
        "the echo was shown: {printed}"
    );
    assert!(!printed.contains(BLUESKY_PASSWORD), "{printed}");
    for (path, bytes) in crate::common::tree(fixture.root()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(BLUESKY_PASSWORD),
            "written to {path}"
        );
    }
}

// ---------------------------------------------------------------------------
// Deploy

const ACCESS_KEY: &str = "AKIDROUNDSTEST";
const SECRET_KEY: &str = "deploy-secret-key-4242";
const URL_PASSWORD: &str = "url-pass-word-9876";

/// A port on 127.0.0.1 that nobody listens on: bound, then let go.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A site with a built page and this `[deploy.targets.test]` table body.
fn deploy_site(target: &str) -> Fixture {
    let fixture = Fixture::new(&[("public/index.html", "<p>home</p>\n")]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[deploy.targets.test]\n{target}\n",
            crate::common::CONFIG
        ),
    );
    fixture
}

fn deploy(fixture: &Fixture, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = rounds();
    command
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", "us-east-1");
    for var in [
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
    ] {
        command.env_remove(var);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .args(["deploy", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap()
}

fn printed(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

fn assert_hidden(out: &Output, secrets: &[&str]) {
    let printed = printed(out);
    for secret in secrets {
        assert!(!printed.contains(secret), "{secret} printed:\n{printed}");
    }
}

/// `--format json`'s answer on stdout, which a failed deploy must give too.
fn json_report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is no JSON report ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

#[test]
fn a_password_in_the_environments_endpoint_is_never_printed() {
    let fixture = deploy_site("url = \"s3://clinic-site/www\"");
    let endpoint = format!(
        "http://{ACCESS_KEY}:{URL_PASSWORD}@127.0.0.1:{}",
        closed_port()
    );
    let env = [("AWS_ENDPOINT_URL", endpoint.as_str())];
    let human = deploy(&fixture, &env, &[]);
    assert!(!human.status.success());
    assert_hidden(&human, &[URL_PASSWORD, SECRET_KEY]);
    assert!(
        stderr(&human).contains("connection refused"),
        "{}",
        stderr(&human)
    );

    let json = deploy(&fixture, &env, &["--format", "json"]);
    assert!(!json.status.success());
    assert_hidden(&json, &[URL_PASSWORD, SECRET_KEY]);
    let report = json_report(&json);
    assert_eq!(report["ok"], false, "{report}");
    assert!(
        report["errors"][0]
            .as_str()
            .is_some_and(|e| e.contains("connection refused")),
        "{report}"
    );
}

#[test]
fn a_password_in_the_configs_endpoint_is_refused_without_being_printed() {
    let port = closed_port();
    for target in [
        format!(
            "bucket = \"clinic-site\"\nendpoint = \"http://{ACCESS_KEY}:{URL_PASSWORD}@127.0.0.1:{port}/\""
        ),
        format!(
            "url = \"s3://clinic-site/www?endpoint=http://{ACCESS_KEY}:{URL_PASSWORD}@127.0.0.1:{port}\""
        ),
    ] {
        let fixture = deploy_site(&target);
        let human = deploy(&fixture, &[], &[]);
        assert!(!human.status.success());
        assert_hidden(&human, &[URL_PASSWORD, SECRET_KEY]);
        assert!(
            stderr(&human).contains("must not hold credentials"),
            "{target}: {}",
            stderr(&human)
        );
        let json = deploy(&fixture, &[], &["--format", "json"]);
        assert_hidden(&json, &[URL_PASSWORD, SECRET_KEY]);
        let report = json_report(&json);
        assert_eq!(report["ok"], false, "{report}");
        let diagnostic = &report["diagnostics"][0];
        assert_eq!(diagnostic["file"], "config.toml", "{report}");
        assert!(diagnostic["line"].as_u64().is_some(), "{report}");
    }
}

#[test]
fn refused_target_urls_are_quoted_without_their_secrets() {
    let cases = [
        // A URL with user info, in a table and inline (where the quoted
        // source line is the one holding it).
        (
            format!(
                "[deploy.targets.test]\nurl = \"https://{ACCESS_KEY}:{URL_PASSWORD}@s3.example/b\"\n"
            ),
            "unknown scheme",
        ),
        (
            format!(
                "[deploy.targets]\ntest = {{ url = \"https://{ACCESS_KEY}:{URL_PASSWORD}@s3.example/b\" }}\n"
            ),
            "unknown scheme",
        ),
        (
            format!(
                "[deploy.targets.test]\nurl = \"s3://clinic-site?secret_access_key={URL_PASSWORD}\"\n"
            ),
            "unknown setting",
        ),
        (
            format!(
                "[deploy.targets]\ntest = {{ url = \"s3://clinic-site?region=x&secret_access_key={URL_PASSWORD}\" }}\n"
            ),
            "unknown setting",
        ),
    ];
    for (table, refusal) in cases {
        let fixture = Fixture::new(&[("public/index.html", "<p>home</p>\n")]);
        fixture.write(
            "config.toml",
            &format!("{}\n{table}", crate::common::CONFIG),
        );
        let human = deploy(&fixture, &[], &[]);
        assert!(!human.status.success(), "{table}");
        assert!(
            stderr(&human).contains(refusal),
            "{table}: {}",
            stderr(&human)
        );
        assert!(
            stderr(&human).contains("***"),
            "{table}: {}",
            stderr(&human)
        );
        assert_hidden(&human, &[URL_PASSWORD]);
        let json = deploy(&fixture, &[], &["--format", "json"]);
        assert_hidden(&json, &[URL_PASSWORD]);
        let report = json_report(&json);
        assert!(
            report["diagnostics"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(refusal)),
            "{report}"
        );
    }
}

#[test]
fn an_unreachable_endpoint_says_connection_refused_also_as_json() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let fixture = deploy_site(&format!(
        "url = \"s3://clinic-site/www?region=us-east-1&endpoint={endpoint}\""
    ));
    let human = deploy(&fixture, &[], &[]);
    assert!(!human.status.success());
    assert!(
        stderr(&human).contains("connection refused"),
        "{}",
        stderr(&human)
    );

    let json = deploy(&fixture, &[], &["--format", "json"]);
    assert!(!json.status.success());
    let report = json_report(&json);
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["target"], "test", "{report}");
    let error = report["errors"][0].as_str().unwrap_or_default();
    assert!(error.contains("connection refused"), "{report}");
    assert_hidden(&json, &[SECRET_KEY]);
}

#[test]
fn every_failed_deploy_answers_json_on_stdout() {
    // No target, no built site, a config error: each still a JSON answer.
    let none = Fixture::new(&[("public/index.html", "x")]);
    let unbuilt = deploy_site("url = \"s3://clinic-site\"");
    std::fs::remove_dir_all(unbuilt.root().join("public")).unwrap();
    let typo = deploy_site("url = \"s3://clinic-site\"\nbukcet = \"x\"");
    for (fixture, why) in [
        (&none, "no deploy target"),
        (&unbuilt, "run `rounds build` first"),
        (&typo, "unknown key"),
    ] {
        let out = deploy(fixture, &[], &["--format", "json"]);
        assert!(!out.status.success(), "{why}");
        let report = json_report(&out);
        assert_eq!(report["ok"], false, "{report}");
        assert!(report.to_string().contains(why), "{why}: {report}");
    }
}
