//! The OAuth service natively on both databases, without the host: the
//! grant's life (code, tokens, rotation, a replay ending it, the session
//! check seeing the end at once) and the retention of what it leaves.

use integration_tests::native::on_fresh_database;
use integration_tests::{Backend, TEST_AUTH_SECRET, TEST_PASSWORD};
use oauth::{secret, Server};
use serde_json::{json, Value};
use store::retention::DAY_MS;
use store::Db;

const REDIRECT: &str = "http://127.0.0.1:9/cb";

fn keys() -> sessions::Keys<'static> {
    sessions::Keys {
        secret: TEST_AUTH_SECRET.as_bytes(),
        ttl_ms: 3_600_000,
    }
}

fn server() -> Server {
    Server::new("https://tasks.example", "http", "ignored")
}

fn user(db: &Db) -> String {
    let input = domain::user::SignUp {
        email: format!("oauth-{}@example.com", uuid::Uuid::new_v4()),
        name: String::new(),
        password: TEST_PASSWORD.into(),
    };
    sessions::sign_up(db, &keys(), input).unwrap().user.id
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A client, a user's approval and the code exchange, at `now`.
fn grant(db: &Db, user_id: &str, now: i64) -> (String, Value) {
    let client = oauth::client::register(
        db,
        &json!({"client_name": "Native", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}),
        now,
    )
    .unwrap()
    .client;
    let verifier = "v".repeat(50);
    let challenge = secret::s256(&verifier);
    let request = oauth::authorize::check(
        db,
        &server(),
        &pairs(&[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ]),
    )
    .unwrap();
    let to = oauth::authorize::approve(db, &server(), &request, user_id, None, now).unwrap();
    let code = oauth::form_pairs(to.split_once('?').unwrap().1.as_bytes())
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    let tokens = oauth::token::exchange(
        db,
        &server(),
        &keys(),
        &pairs(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client.id),
            ("code_verifier", &verifier),
        ]),
        None,
        now,
    )
    .unwrap();
    (client.id, tokens)
}

fn refresh(db: &Db, client: &str, token: &str, now: i64) -> Result<Value, oauth::Failure> {
    oauth::token::exchange(
        db,
        &server(),
        &keys(),
        &pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", client),
        ]),
        None,
        now,
    )
}

/// The token's session, as /mcp checks it.
fn works(db: &Db, access: &str) -> bool {
    let resource = server().resource();
    match sessions::verify_for_resource(&keys(), Some(access), &resource) {
        Ok((presented, _)) => presented.confirm(db).is_ok(),
        Err(_) => false,
    }
}

fn grant_lifecycle(db: &Db) {
    db.migrate().unwrap();
    let user_id = user(db);
    let now = domain::time::now_ms();
    let (client, tokens) = grant(db, &user_id, now);
    let access = tokens["access_token"].as_str().unwrap();
    assert!(works(db, access));
    // Bound to the MCP resource: the REST API's check refuses it.
    assert_eq!(
        sessions::verify(&keys(), Some(access)).err().unwrap().code,
        "invalid_token"
    );
    let first = tokens["refresh_token"].as_str().unwrap();
    let next = refresh(db, &client, first, now).unwrap();
    let access2 = next["access_token"].as_str().unwrap();
    assert!(works(db, access2));
    // The spent token again: the grant ends, every token with it.
    assert_eq!(
        refresh(db, &client, first, now).unwrap_err().error,
        "invalid_grant"
    );
    assert!(!works(db, access) && !works(db, access2));
    let latest = next["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(db, &client, latest, now).unwrap_err().error,
        "invalid_grant"
    );
    assert!(store::oauth::connected_apps(db, &user_id)
        .unwrap()
        .is_empty());

    // An expired refresh token is refused without ending anything.
    let (client, tokens) = grant(db, &user_id, now);
    let late = now + oauth::REFRESH_TTL_MS + 1;
    let expired = refresh(db, &client, tokens["refresh_token"].as_str().unwrap(), late);
    assert_eq!(expired.unwrap_err().error, "invalid_grant");
    assert_eq!(store::oauth::connected_apps(db, &user_id).unwrap().len(), 1);
}

fn retention(db: &Db) {
    db.migrate().unwrap();
    let user_id = user(db);
    let now = domain::time::now_ms();
    // Older than the windows, younger than a refresh token's life.
    let long_ago = now - 20 * DAY_MS;
    // Registered long ago and never approved: goes. Approved: stays.
    let unused = oauth::client::register(db, &json!({"redirect_uris": [REDIRECT]}), long_ago)
        .unwrap()
        .client
        .id;
    let fresh = oauth::client::register(db, &json!({"redirect_uris": [REDIRECT]}), now)
        .unwrap()
        .client
        .id;
    let (used, tokens) = grant(db, &user_id, long_ago);
    let old_refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    // Spent long ago (rotated then), and its successor, spent just now.
    let next = refresh(db, &used, &old_refresh, long_ago).unwrap();
    refresh(db, &used, next["refresh_token"].as_str().unwrap(), now).unwrap();
    let pruned = store::retention::prune_all(db, now).unwrap();
    assert!(pruned.oauth >= 3, "{pruned:?}"); // the code, the old token, the client
    let exists = |id: &str| store::oauth::get_client(db, id).unwrap().is_some();
    assert!(!exists(&unused) && exists(&fresh) && exists(&used));
    let spent = store::oauth::use_refresh_token(db, &secret::hash(&old_refresh), now).unwrap();
    assert_eq!(spent, store::oauth::RefreshLookup::Unknown);
    assert_eq!(store::oauth::connected_apps(db, &user_id).unwrap().len(), 1);
}

#[test]
fn grant_lifecycle_on_postgres() {
    on_fresh_database(Backend::Postgres, "oauth", grant_lifecycle);
}

#[test]
fn grant_lifecycle_on_sqlite() {
    on_fresh_database(Backend::Sqlite, "oauth", grant_lifecycle);
}

#[test]
fn retention_on_postgres() {
    on_fresh_database(Backend::Postgres, "oauth_retention", retention);
}

#[test]
fn retention_on_sqlite() {
    on_fresh_database(Backend::Sqlite, "oauth_retention", retention);
}
