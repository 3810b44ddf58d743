//! `POST /api/v1/tasks/:id/complete`; see [`http_api::set_task_completion`].

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("task-complete", req, out, |req| {
        http_api::set_task_completion(req, true)
    })
    .await
}
