//! One list: `GET|PATCH|DELETE /api/v1/lists/:id`. PATCH renames, recolours
//! or archives; DELETE deletes the list with every task in it.

use domain::list::parse_list_patch;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::lists;

const ROUTE: &str = "/api/v1/lists/:id";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("list", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let id = req.path_param(ROUTE, "id")?;
    match req.method.as_str() {
        "GET" => {
            let (db, who) = open_authenticated(req)?;
            Ok(Reply::json(200, &lists::get(&db, &who.user_id, &id)?).into())
        }
        "PATCH" => {
            let patch = parse_list_patch(&req.json()?)?;
            let (db, who) = open_authenticated(req)?;
            let changed = lists::update(&db, &who.user_id, &id, &patch, &origin(req))?;
            let reply = Reply::json(200, &changed.list);
            Ok(Outcome::with_events(reply, db, changed.events))
        }
        "DELETE" => {
            let (db, who) = open_authenticated(req)?;
            let changed = lists::delete(&db, &who.user_id, &id, &origin(req))?;
            Ok(Outcome::with_events(
                Reply::no_content(),
                db,
                changed.events,
            ))
        }
        _ => Err(method_not_allowed("GET, PATCH, DELETE")),
    }
}
