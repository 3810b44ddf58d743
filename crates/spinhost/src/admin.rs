//! `spinhost dead-letters ...`: the app's dead-letter operations
//! (`/admin/dead-letters`, see `components/dead-letters`) from the command
//! line, against a running app (this host's `up`, `spin up`, or a cluster
//! reached through a port-forward).

use anyhow::{bail, Context, Result};
use http_body_util::{BodyExt, Full};

/// Sends `method path` to the app at `app` (`http://host:port`) with the
/// operator token and, for `fix`, the corrected event as a JSON body;
/// answers the status and the body.
pub async fn call(
    app: &str,
    token: &str,
    method: &str,
    path: &str,
    json_body: Option<Vec<u8>>,
) -> Result<(u16, String)> {
    let mut app = crate::local_http::connect(app, "app").await?;
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", &app.authority)
        .header("authorization", format!("Bearer {token}"));
    if json_body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request.body(Full::new(bytes::Bytes::from(json_body.unwrap_or_default())))?;
    let response = app.sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The path of an operation: `list [CURSOR]`, `show ID`, `fix ID`
/// (the corrected event is the body), `replay ID`, `discard ID`.
pub fn request_for(operation: &str, argument: Option<&str>) -> Result<(&'static str, String)> {
    const BASE: &str = "/admin/dead-letters";
    let id = || -> Result<String> {
        let id = argument.with_context(|| format!("{operation} needs a dead letter's id"))?;
        Ok(url::form_urlencoded::byte_serialize(id.as_bytes()).collect())
    };
    Ok(match operation {
        "list" => match argument {
            Some(cursor) => (
                "GET",
                format!(
                    "{BASE}?before={}",
                    url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
                ),
            ),
            None => ("GET", BASE.to_string()),
        },
        "show" => ("GET", format!("{BASE}/{}", id()?)),
        "fix" => ("PUT", format!("{BASE}/{}/event", id()?)),
        "replay" => ("POST", format!("{BASE}/{}/replay", id()?)),
        "discard" => ("DELETE", format!("{BASE}/{}", id()?)),
        other => bail!("unknown operation {other:?} (list, show, fix, replay, discard)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_the_admin_routes() {
        assert_eq!(
            request_for("list", None).unwrap(),
            ("GET", "/admin/dead-letters".into())
        );
        assert_eq!(
            request_for("list", Some("17:a b")).unwrap(),
            ("GET", "/admin/dead-letters?before=17%3Aa+b".into())
        );
        assert_eq!(
            request_for("replay", Some("ev/1")).unwrap(),
            ("POST", "/admin/dead-letters/ev%2F1/replay".into())
        );
        assert_eq!(
            request_for("fix", Some("x")).unwrap(),
            ("PUT", "/admin/dead-letters/x/event".into())
        );
        assert_eq!(
            request_for("discard", Some("x")).unwrap(),
            ("DELETE", "/admin/dead-letters/x".into())
        );
        assert!(request_for("show", None).is_err());
        assert!(request_for("purge", Some("x")).is_err());
    }
}
