//! HTTP routing with Spin 3.6's rules (`crates/routes`): the same
//! `routefinder` ranking (an exact segment beats `:param`, which beats the
//! trailing wildcard; the most specific route wins), duplicate routes resolved
//! in favour of the later trigger, and the trailing-slash handling of
//! `spin-path-info`.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::{anyhow, Result};

use crate::manifest::{HttpTrigger, TriggerRoute};

/// Spin answers paths under this prefix itself.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

#[derive(Debug, Clone)]
struct RouteHandler {
    component_id: String,
    /// As written in the manifest.
    raw_route: String,
    /// With the (always `/`) base applied and one trailing slash removed.
    based_route: String,
    wildcard: bool,
}

#[derive(Debug)]
pub struct Router {
    finder: routefinder::Router<RouteHandler>,
}

/// A route that an earlier trigger declared and a later one replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRoute {
    pub route: String,
    pub replaced_component: String,
    pub effective_component: String,
}

/// The outcome of routing one request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    pub component_id: String,
    pub raw_route: String,
    pub based_route: String,
    /// `:name` captures, in route order.
    pub params: Vec<(String, String)>,
    /// What `spin-path-info` carries: the part matched by `/...`.
    pub path_info: String,
}

impl RouteMatch {
    /// The route without its trailing `/...`.
    pub fn raw_route_or_prefix(&self) -> &str {
        self.raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route)
    }
}

impl Router {
    /// Builds the router from triggers in manifest order. Private routes are
    /// skipped; a later trigger with the same route replaces an earlier one.
    pub fn build(triggers: &[HttpTrigger]) -> Result<(Self, Vec<DuplicateRoute>)> {
        let mut by_raw: Vec<(String, String)> = Vec::new();
        let mut duplicates = Vec::new();
        for trigger in triggers {
            let TriggerRoute::Route(raw) = &trigger.route else {
                continue;
            };
            if let Some(existing) = by_raw.iter_mut().find(|(r, _)| r == raw) {
                duplicates.push(DuplicateRoute {
                    route: raw.clone(),
                    replaced_component: existing.1.clone(),
                    effective_component: trigger.component.clone(),
                });
                existing.1 = trigger.component.clone();
            } else {
                by_raw.push((raw.clone(), trigger.component.clone()));
            }
        }

        let mut finder = routefinder::Router::new();
        for (raw_route, component_id) in by_raw {
            let based_route = based(&raw_route);
            let (spec, wildcard) = if let Some(prefix) = based_route.strip_suffix("/...") {
                (format!("{prefix}/*"), true)
            } else if based_route.ends_with("/*") {
                (based_route.clone(), true)
            } else {
                (based_route.clone(), false)
            };
            let handler = RouteHandler {
                component_id: component_id.clone(),
                raw_route: raw_route.clone(),
                based_route,
                wildcard,
            };
            finder.add(spec.as_str(), handler).map_err(|e| {
                anyhow!(
                    "Error parsing route {raw_route} associated with component {component_id}: {e}"
                )
            })?;
        }
        Ok((Self { finder }, duplicates))
    }

    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let best = self.finder.best_match(path)?;
        let handler = best.handler();
        let captures = best.captures();
        let params = captures
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let path_info = match captures.wildcard() {
            // Spin keeps a trailing slash that routefinder drops.
            Some(rest) => match (rest.is_empty(), path.ends_with('/')) {
                (true, false) => String::new(),
                (true, true) => "/".to_string(),
                (false, false) => format!("/{rest}"),
                (false, true) => format!("/{rest}/"),
            },
            None => String::new(),
        };
        Some(RouteMatch {
            component_id: handler.component_id.clone(),
            raw_route: handler.raw_route.clone(),
            based_route: handler.based_route.clone(),
            params,
            path_info,
        })
    }

    /// `(route, component, wildcard)` for every reachable route, most
    /// specific first.
    pub fn routes(&self) -> Vec<(String, String, bool)> {
        (&self.finder)
            .into_iter()
            .map(|(_, h)| (h.raw_route.clone(), h.component_id.clone(), h.wildcard))
            .collect()
    }
}

/// Spin always uses the base `/`; it joins base and route and strips one
/// trailing slash, so the route `/` becomes the empty string.
fn based(raw_route: &str) -> String {
    let absolute = if raw_route.starts_with('/') {
        raw_route.to_string()
    } else {
        format!("/{raw_route}")
    };
    absolute
        .strip_suffix('/')
        .map(str::to_string)
        .unwrap_or(absolute)
}

/// The `spin-*` headers for one routed request, in the order Spin adds them.
/// `path_and_query` and `host` come from the request (host defaults to
/// `localhost`); `scheme` is the listener's.
pub fn spin_headers(
    route: &RouteMatch,
    scheme: &str,
    host: &str,
    path_and_query: &str,
    client_addr: SocketAddr,
) -> Vec<(String, String)> {
    let mut headers = vec![
        ("spin-path-info".to_string(), route.path_info.clone()),
        (
            "spin-full-url".to_string(),
            format!("{scheme}://{host}{path_and_query}"),
        ),
        ("spin-matched-route".to_string(), route.based_route.clone()),
        ("spin-base-path".to_string(), "/".to_string()),
        (
            "spin-raw-component-route".to_string(),
            route.raw_route.clone(),
        ),
        (
            "spin-component-route".to_string(),
            route.raw_route_or_prefix().to_string(),
        ),
        ("spin-client-addr".to_string(), client_addr.to_string()),
    ];
    // Spin takes the captures from a HashMap, so their order is unspecified.
    let params: HashMap<&str, &str> = route
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (name, value) in params {
        headers.push((
            format!(
                "spin-path-match-{}",
                name.to_ascii_lowercase().replace('_', "-")
            ),
            value.to_string(),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        let triggers: Vec<HttpTrigger> = routes
            .iter()
            .map(|(route, component)| HttpTrigger {
                route: TriggerRoute::Route(route.to_string()),
                component: component.to_string(),
            })
            .collect();
        Router::build(&triggers).unwrap().0
    }

    fn component(r: &Router, path: &str) -> Option<String> {
        r.route(path).map(|m| m.component_id)
    }

    #[test]
    fn exact_beats_wildcard() {
        let r = router(&[("/...", "web"), ("/health", "health"), ("/api/...", "api")]);
        assert_eq!(component(&r, "/health").as_deref(), Some("health"));
        assert_eq!(component(&r, "/health/x").as_deref(), Some("web"));
        assert_eq!(component(&r, "/api/x").as_deref(), Some("api"));
        assert_eq!(component(&r, "/api").as_deref(), Some("api"));
        assert_eq!(component(&r, "/").as_deref(), Some("web"));
        assert_eq!(component(&r, "/index.html").as_deref(), Some("web"));
    }

    #[test]
    fn longest_prefix_wins() {
        let r = router(&[
            ("/a/...", "short"),
            ("/a/b/...", "long"),
            ("/a/b/c", "exact"),
        ]);
        assert_eq!(component(&r, "/a/x").as_deref(), Some("short"));
        assert_eq!(component(&r, "/a/b/x").as_deref(), Some("long"));
        assert_eq!(component(&r, "/a/b").as_deref(), Some("long"));
        assert_eq!(component(&r, "/a/b/c").as_deref(), Some("exact"));
        assert_eq!(component(&r, "/a/b/c/d").as_deref(), Some("long"));
    }

    #[test]
    fn project_routes() {
        let r = router(&[
            ("/api/v1/auth/...", "auth"),
            ("/api/v1/settings", "auth"),
            ("/api/v1/tasks", "tasks"),
            ("/api/v1/tasks/:id", "task"),
            ("/api/v1/tasks/:id/complete", "task-complete"),
            ("/...", "web"),
        ]);
        assert_eq!(component(&r, "/api/v1/tasks").as_deref(), Some("tasks"));
        assert_eq!(component(&r, "/api/v1/tasks/42").as_deref(), Some("task"));
        assert_eq!(
            component(&r, "/api/v1/tasks/42/complete").as_deref(),
            Some("task-complete")
        );
        assert_eq!(
            component(&r, "/api/v1/tasks/42/other").as_deref(),
            Some("web")
        );
        assert_eq!(
            component(&r, "/api/v1/auth/signin").as_deref(),
            Some("auth")
        );
        let m = r.route("/api/v1/tasks/abc-1").unwrap();
        assert_eq!(m.params, [("id".to_string(), "abc-1".to_string())]);
        assert_eq!(m.path_info, "");
    }

    #[test]
    fn literal_segment_beats_parameter() {
        let r = router(&[("/tasks/:id", "one"), ("/tasks/new", "new")]);
        assert_eq!(component(&r, "/tasks/new").as_deref(), Some("new"));
        assert_eq!(component(&r, "/tasks/7").as_deref(), Some("one"));
    }

    #[test]
    fn parameters_with_trailing_wildcard() {
        let r = router(&[("/users/:user/files/...", "files")]);
        let m = r.route("/users/ann/files/a/b.txt").unwrap();
        assert_eq!(m.params, [("user".to_string(), "ann".to_string())]);
        assert_eq!(m.path_info, "/a/b.txt");
        assert_eq!(m.raw_route_or_prefix(), "/users/:user/files");
    }

    #[test]
    fn no_match_is_none() {
        let r = router(&[("/a", "a"), ("/b/...", "b")]);
        assert_eq!(component(&r, "/c"), None);
        assert_eq!(component(&r, "/a/x"), None);
    }

    #[test]
    fn duplicate_route_last_wins() {
        let triggers = vec![
            HttpTrigger {
                route: TriggerRoute::Route("/x".into()),
                component: "first".into(),
            },
            HttpTrigger {
                route: TriggerRoute::Route("/x".into()),
                component: "second".into(),
            },
            HttpTrigger {
                route: TriggerRoute::Private,
                component: "hidden".into(),
            },
        ];
        let (r, dups) = Router::build(&triggers).unwrap();
        assert_eq!(component(&r, "/x").as_deref(), Some("second"));
        assert_eq!(
            dups,
            [DuplicateRoute {
                route: "/x".into(),
                replaced_component: "first".into(),
                effective_component: "second".into()
            }]
        );
        assert_eq!(r.routes().len(), 1);
    }

    #[test]
    fn path_info_keeps_trailing_slash() {
        let r = router(&[("/foo/...", "foo")]);
        assert_eq!(r.route("/foo").unwrap().path_info, "");
        assert_eq!(r.route("/foo/").unwrap().path_info, "/");
        assert_eq!(r.route("/foo/bar").unwrap().path_info, "/bar");
        assert_eq!(r.route("/foo/bar/").unwrap().path_info, "/bar/");
    }

    #[test]
    fn headers_match_spin() {
        let r = router(&[("/foo/...", "foo")]);
        let m = r.route("/foo/bar").unwrap();
        let client: SocketAddr = "127.0.0.1:8777".parse().unwrap();
        let h: HashMap<String, String> =
            spin_headers(&m, "https", "fermyon.dev", "/foo/bar?key1=value1", client)
                .into_iter()
                .collect();
        assert_eq!(
            h["spin-full-url"],
            "https://fermyon.dev/foo/bar?key1=value1"
        );
        assert_eq!(h["spin-path-info"], "/bar");
        assert_eq!(h["spin-matched-route"], "/foo/...");
        assert_eq!(h["spin-base-path"], "/");
        assert_eq!(h["spin-raw-component-route"], "/foo/...");
        assert_eq!(h["spin-component-route"], "/foo");
        assert_eq!(h["spin-client-addr"], "127.0.0.1:8777");
        assert_eq!(h.len(), 7);

        let r = router(&[("/foo/:userid/...", "foo")]);
        let m = r.route("/foo/42/bar").unwrap();
        let h: HashMap<String, String> =
            spin_headers(&m, "http", "localhost", "/foo/42/bar", client)
                .into_iter()
                .collect();
        assert_eq!(h["spin-path-match-userid"], "42");
        assert_eq!(h["spin-path-info"], "/bar");
        assert_eq!(h["spin-component-route"], "/foo/:userid");
    }

    #[test]
    fn root_route_is_based_as_empty() {
        let r = router(&[("/", "root")]);
        let m = r.route("/").unwrap();
        assert_eq!(m.based_route, "");
        assert_eq!(m.raw_route, "/");
    }
}
