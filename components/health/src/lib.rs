//! `/health`: the process answers (liveness). `/ready`: the database
//! answers and its schema is current (readiness; also applies pending
//! migrations before traffic arrives).

use domain::Error;
use http_api::{method_not_allowed, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("health", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(method_not_allowed("GET, HEAD"));
    }
    let reply = match req.path.as_str() {
        "/ready" => {
            let db = store::Db::open(&http_api::config::var("db_url")?)?;
            store::tasks::ping(&db)?;
            let backend = match db.backend() {
                store::Backend::Postgres => "postgres",
                store::Backend::Sqlite => "sqlite",
            };
            Reply::json(200, &json!({ "status": "ready", "database": backend }))
        }
        _ => Reply::json(200, &json!({ "status": "ok" })),
    };
    Ok(reply.into())
}
