//! The native baseline: create and list as a plain native Rust handler over
//! the same crates as the `tasks` component (`sessions`, `task-service`,
//! `store`) and the same database, served by hyper. Comparing it with the
//! component gives the cost of Wasm and of a new instance per request.
//!
//! It differs from the component only where the component talks to Spin:
//! its connections are `rusqlite` and `tokio-postgres` (pooled, like Spin's
//! and the host's), and it publishes nothing, where the component tries the
//! sidecar (absent in this benchmark, so the attempt fails at once and the
//! event stays in the outbox).

use bytes::Bytes;
use domain::Error;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use integration_tests::native::{Database, Pool};
use std::sync::Arc;
use store::Db;

/// Serves create and list on `listener` until the process ends.
pub fn serve(database: Database, listener: std::net::TcpListener) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let pool = Pool::new(database, tokio::runtime::Handle::current());
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let pool = pool.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let pool = pool.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(pool, req).await) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
    });
}

async fn handle(pool: Arc<Pool>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or_default().to_string();
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let body = req.into_body().collect().await.unwrap().to_bytes();
    let (status, json) = tokio::task::spawn_blocking(move || {
        let db = pool.db();
        let result = match method.as_str() {
            "POST" => create(&db, token.as_deref(), &body),
            _ => list(&db, token.as_deref(), &query),
        };
        match result {
            Ok(reply) => reply,
            // The benchmark counts any status outside 2xx as an error; the
            // exact one does not matter here.
            Err(e) => (
                if e.is_internal() { 500 } else { 400 },
                serde_json::json!({ "error": { "code": e.code, "message": e.message } }),
            ),
        }
    })
    .await
    .unwrap();
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(json.to_string())))
        .unwrap()
}

fn keys() -> sessions::Keys<'static> {
    sessions::Keys {
        secret: integration_tests::TEST_AUTH_SECRET.as_bytes(),
        ttl_ms: 86_400_000,
    }
}

fn create(db: &Db, token: Option<&str>, body: &[u8]) -> Result<(u16, serde_json::Value), Error> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Error::bad_request("bad_json", e.to_string()))?;
    let input = domain::task::parse_new_task(&json)?;
    let presented = sessions::verify(&keys(), token)?;
    let origin = domain::event::Origin {
        source: "tasks-native".into(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
        traceparent: String::new(),
    };
    let (_, changed) = presented.confirm_within(db, |who, gate| {
        task_service::create_gated(db, &who.user_id, input.clone(), &origin, gate)
    })?;
    Ok((201, serde_json::to_value(&changed.task).unwrap()))
}

fn list(db: &Db, token: Option<&str>, query: &str) -> Result<(u16, serde_json::Value), Error> {
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let query = domain::query::parse_list_query(&pairs)?;
    let (_, page) = sessions::verify(&keys(), token)?.confirm_within(db, |who, gate| {
        task_service::list_gated(db, &who.user_id, &query, gate)
    })?;
    Ok((
        200,
        serde_json::json!({ "items": page.items, "nextCursor": page.next_cursor }),
    ))
}
