//! The assistant: `POST /api/v1/chat` (`{message, conversationId?}` →
//! `{reply, conversationId, actions, pending?, source, explanation?}`),
//! `GET /api/v1/chat/conversations` and `GET /api/v1/chat/conversations/:id`
//! (the turns), and `POST /api/v1/chat/preview` (`{text, plain?}` → how the
//! quick-add field's text reads as a new task, saving nothing). Every action
//! runs through the task service, as in the REST API, and its events are
//! published after the commit.

use assistant::chat::{self, ChatRequest};
use assistant::llm::ModelConfig;
use assistant::Actor;
use domain::time::now_ms;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("chat", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let rest = req.path.trim_start_matches("/api/v1/chat");
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("POST", []) => post(req),
        (_, []) => Err(method_not_allowed("POST")),
        ("POST", ["preview"]) => preview(req),
        (_, ["preview"]) => Err(method_not_allowed("POST")),
        ("GET", ["conversations"]) => read(req, chat::conversation_list),
        ("GET", ["conversations", id]) => read(req, |a| chat::conversation_view(a, id)),
        (_, ["conversations"] | ["conversations", _]) => Err(method_not_allowed("GET")),
        _ => Err(Error::not_found("endpoint")),
    }
}

fn post(req: &Request) -> Result<Outcome, Error> {
    let input: ChatRequest = chat::parse_request(&req.json()?)?;
    let (db, who) = open_authenticated(req)?;
    let origin = origin(req);
    let actor = Actor::for_user(&db, &who.user_id, &origin, now_ms())?;
    let model = ModelConfig::from_variables();
    let response = chat::respond(&actor, &input, model.as_ref())?;
    Ok(Outcome::with_events(
        Reply::json(200, &response.body),
        db,
        response.events,
    ))
}

/// Reads the quick-add text as a new task in the user's time zone; the
/// client saves it with `POST /api/v1/tasks` when the user presses Enter.
fn preview(req: &Request) -> Result<Outcome, Error> {
    let input = assistant::quick_add::parse_request(&req.json()?)?;
    let (db, who) = open_authenticated(req)?;
    let origin = origin(req);
    let actor = Actor::for_user(&db, &who.user_id, &origin, now_ms())?;
    let body = assistant::quick_add::preview(actor.tz, actor.now, &input);
    // Reply::json already says no-store.
    Ok(Reply::json(200, &body).into())
}

fn read(
    req: &Request,
    view: impl FnOnce(&Actor) -> Result<serde_json::Value, Error>,
) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let origin = origin(req);
    let actor = Actor::for_user(&db, &who.user_id, &origin, now_ms())?;
    Ok(Reply::json(200, &view(&actor)?).into())
}
