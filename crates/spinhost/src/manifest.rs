//! `spin.toml` (manifest version 2): the subset this project uses, checked
//! against the rules `spin up` enforces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::variables::{validate_key, Template};

#[derive(Debug, Clone)]
pub struct Manifest {
    /// The directory holding the manifest; component sources are relative to it.
    pub dir: PathBuf,
    pub application: Application,
    pub variables: BTreeMap<String, VariableDecl>,
    /// In manifest order: on duplicate routes the later trigger wins.
    pub http_triggers: Vec<HttpTrigger>,
    pub components: BTreeMap<String, ComponentDecl>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTrigger {
    pub route: TriggerRoute,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerRoute {
    Route(String),
    /// `route = { private = true }`: reachable only by service chaining.
    Private,
}

#[derive(Debug, Clone)]
pub struct ComponentDecl {
    pub id: String,
    /// Absolute path of the `.wasm` file.
    pub source: PathBuf,
    pub allowed_outbound_hosts: Vec<String>,
    pub sqlite_databases: Vec<String>,
    pub environment: BTreeMap<String, String>,
    /// Variable name → template over application variables.
    pub variables: BTreeMap<String, String>,
    pub build: Option<BuildConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildConfig {
    pub commands: Vec<String>,
    pub workdir: Option<PathBuf>,
    pub watch: Vec<String>,
}

#[derive(Deserialize)]
struct RawManifest {
    spin_manifest_version: toml::Value,
    application: Application,
    #[serde(default)]
    variables: BTreeMap<String, VariableDecl>,
    #[serde(default)]
    trigger: BTreeMap<String, Vec<toml::Table>>,
    #[serde(default)]
    component: BTreeMap<String, RawComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttpTrigger {
    #[serde(default)]
    id: Option<String>,
    route: RawRoute,
    #[serde(default)]
    component: Option<toml::Value>,
    #[serde(default)]
    executor: Option<toml::Value>,
    #[serde(default)]
    static_response: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRoute {
    Path(String),
    Private { private: bool },
}

#[derive(Deserialize)]
struct RawComponent {
    source: toml::Value,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    sqlite_databases: Vec<String>,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    build: Option<RawBuild>,
}

#[derive(Deserialize)]
struct RawBuild {
    command: RawCommands,
    #[serde(default)]
    workdir: Option<String>,
    #[serde(default)]
    watch: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCommands {
    One(String),
    Many(Vec<String>),
}

impl Manifest {
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read manifest {}", path.display()))?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        Self::parse(&text, &dir).with_context(|| format!("invalid manifest {}", path.display()))
    }

    /// Parses manifest text; `dir` anchors relative paths.
    pub fn parse(text: &str, dir: &Path) -> Result<Self> {
        let raw: RawManifest = toml::from_str(text)?;
        check_version(&raw.spin_manifest_version)?;
        if raw.application.name.trim().is_empty() {
            bail!("[application] name must not be empty");
        }

        for (name, decl) in &raw.variables {
            validate_key(name).map_err(|e| anyhow::anyhow!("[variables] {e}"))?;
            if decl.required == decl.default.is_some() {
                bail!(
                    "variable {name:?} must have exactly one of `default = \"...\"` or `required = true`"
                );
            }
        }

        let mut components = BTreeMap::new();
        for (id, raw_component) in raw.component {
            let component = parse_component(&id, raw_component, dir, &raw.variables)?;
            components.insert(id, component);
        }

        let mut http_triggers = Vec::new();
        for (kind, triggers) in raw.trigger {
            if kind != "http" {
                bail!("trigger type {kind:?} is not supported (only [[trigger.http]])");
            }
            for (index, table) in triggers.into_iter().enumerate() {
                let trigger = parse_http_trigger(table)
                    .with_context(|| format!("[[trigger.http]] number {}", index + 1))?;
                if !components.contains_key(&trigger.component) {
                    bail!(
                        "[[trigger.http]] number {} refers to component {:?}, which is not defined",
                        index + 1,
                        trigger.component
                    );
                }
                http_triggers.push(trigger);
            }
        }

        Ok(Self {
            dir: dir.to_path_buf(),
            application: raw.application,
            variables: raw.variables,
            http_triggers,
            components,
        })
    }
}

fn check_version(version: &toml::Value) -> Result<()> {
    let ok = match version {
        toml::Value::Integer(2) => true,
        toml::Value::String(s) => s == "2",
        _ => false,
    };
    if !ok {
        bail!("spin_manifest_version must be 2, found {version}");
    }
    Ok(())
}

fn parse_http_trigger(table: toml::Table) -> Result<HttpTrigger> {
    let raw: RawHttpTrigger = toml::Value::Table(table).try_into()?;
    if raw.static_response.is_some() {
        bail!("static_response triggers are not supported");
    }
    if let Some(executor) = &raw.executor {
        let kind = executor.get("type").and_then(toml::Value::as_str);
        if kind != Some("http") {
            bail!("executor {executor} is not supported (only the default wasi:http executor)");
        }
    }
    let route = match raw.route {
        RawRoute::Path(path) => TriggerRoute::Route(path),
        RawRoute::Private { private: true } => TriggerRoute::Private,
        RawRoute::Private { private: false } => bail!(
            "route must be a string pattern or '{{ private = true }}': {:?} has {{ private = false }}",
            raw.id.unwrap_or_default()
        ),
    };
    let component = match raw.component {
        Some(toml::Value::String(id)) => id,
        Some(_) => bail!("inline component tables are not supported; use a component id"),
        None => bail!("missing `component`"),
    };
    Ok(HttpTrigger { route, component })
}

fn parse_component(
    id: &str,
    raw: RawComponent,
    dir: &Path,
    app_variables: &BTreeMap<String, VariableDecl>,
) -> Result<ComponentDecl> {
    if !is_kebab_id(id) {
        bail!("component id {id:?} must be kebab-case (lowercase letters, digits and '-')");
    }
    let source = match raw.source {
        toml::Value::String(path) => dir.join(path),
        _ => bail!("component {id:?}: only a local file path is supported as `source`"),
    };
    if !raw.key_value_stores.is_empty() {
        bail!("component {id:?}: key_value_stores are not supported by this host");
    }
    for (name, template) in &raw.variables {
        validate_key(name).map_err(|e| anyhow::anyhow!("component {id:?} variable: {e}"))?;
        let parsed = Template::parse(template)
            .map_err(|e| anyhow::anyhow!("component {id:?} variable {name:?}: {e}"))?;
        for referenced in parsed.variables() {
            if !app_variables.contains_key(referenced) {
                bail!(
                    "component {id:?} variable {name:?} refers to unknown application variable {referenced:?}"
                );
            }
        }
    }
    for host in &raw.allowed_outbound_hosts {
        let parsed = Template::parse(host).map_err(|e| {
            anyhow::anyhow!("component {id:?} allowed_outbound_hosts {host:?}: {e}")
        })?;
        for referenced in parsed.variables() {
            if !app_variables.contains_key(referenced) {
                bail!(
                    "component {id:?} allowed_outbound_hosts {host:?} refers to unknown variable {referenced:?}"
                );
            }
        }
        if parsed.is_literal() {
            crate::allowed_hosts::AllowedHost::parse(host)
                .with_context(|| format!("component {id:?}: invalid allowed_outbound_hosts"))?;
        }
    }
    if raw.allowed_outbound_hosts.len() == 1
        && raw.allowed_outbound_hosts[0] == "insecure:allow-all"
    {
        bail!("component {id:?}: 'insecure:allow-all' is not allowed - use '*://*:*' instead");
    }
    let labels: BTreeSet<&String> = raw.sqlite_databases.iter().collect();
    if labels.len() != raw.sqlite_databases.len() {
        bail!("component {id:?}: sqlite_databases lists a label twice");
    }
    let build = raw.build.map(|b| BuildConfig {
        commands: match b.command {
            RawCommands::One(c) => vec![c],
            RawCommands::Many(cs) => cs,
        },
        workdir: b.workdir.map(|w| dir.join(w)),
        watch: b.watch,
    });
    Ok(ComponentDecl {
        id: id.to_string(),
        source,
        allowed_outbound_hosts: raw.allowed_outbound_hosts,
        sqlite_databases: raw.sqlite_databases,
        environment: raw.environment,
        variables: raw.variables,
        build,
    })
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && id.as_bytes()[0].is_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
spin_manifest_version = 2
[application]
name = "demo"
version = "1.0.0"
[variables]
db_host = { default = "127.0.0.1" }
token = { required = true, secret = true }
[[trigger.http]]
route = "/api/..."
component = "api"
[[trigger.http]]
route = { private = true }
component = "api"
[component.api]
source = "target/api.wasm"
allowed_outbound_hosts = ["postgres://{{ db_host }}:5432", "http://localhost:3500"]
sqlite_databases = ["default"]
environment = { RUST_LOG = "info" }
[component.api.variables]
token = "{{ token }}"
[component.api.build]
command = "cargo build"
watch = ["src/**/*.rs"]
"#;

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::parse(text, Path::new("/app"))
    }

    fn error_of(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn parses_a_full_manifest() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.application.name, "demo");
        assert!(m.variables["token"].required);
        assert!(m.variables["token"].secret);
        assert_eq!(
            m.http_triggers,
            vec![
                HttpTrigger {
                    route: TriggerRoute::Route("/api/...".into()),
                    component: "api".into()
                },
                HttpTrigger {
                    route: TriggerRoute::Private,
                    component: "api".into()
                },
            ]
        );
        let api = &m.components["api"];
        assert_eq!(api.source, PathBuf::from("/app/target/api.wasm"));
        assert_eq!(api.sqlite_databases, ["default"]);
        assert_eq!(api.environment["RUST_LOG"], "info");
        assert_eq!(api.variables["token"], "{{ token }}");
        assert_eq!(api.build.as_ref().unwrap().commands, ["cargo build"]);
    }

    #[test]
    fn parses_the_project_manifest() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spin.toml");
        let m = Manifest::from_file(&path).unwrap();
        assert!(m.components.contains_key("web"));
        assert!(m.http_triggers.len() >= 2);
    }

    #[test]
    fn variable_needs_exactly_one_of_default_and_required() {
        let both = GOOD.replace(
            "db_host = { default = \"127.0.0.1\" }",
            "db_host = { default = \"x\", required = true }",
        );
        assert!(
            error_of(&both).contains("exactly one of"),
            "{}",
            error_of(&both)
        );
        let neither = GOOD.replace(
            "db_host = { default = \"127.0.0.1\" }",
            "db_host = { secret = true }",
        );
        assert!(error_of(&neither).contains("exactly one of"));
    }

    #[test]
    fn rejects_unknown_component_in_trigger() {
        let text = GOOD.replace(
            "component = \"api\"\n[[trigger",
            "component = \"nope\"\n[[trigger",
        );
        let e = error_of(&text);
        assert!(e.contains("\"nope\", which is not defined"), "{e}");
    }

    #[test]
    fn rejects_bad_names_templates_and_hosts() {
        let e = error_of(&GOOD.replace("db_host = {", "Db_host = {"));
        assert!(e.contains("invalid character"), "{e}");
        let e = error_of(&GOOD.replace("{{ token }}", "{{ missing }}"));
        assert!(
            e.contains("unknown application variable \"missing\""),
            "{e}"
        );
        let e = error_of(&GOOD.replace("http://localhost:3500", "localhost:3500"));
        assert!(e.contains("allowed_outbound_hosts"), "{e}");
        let e =
            error_of(&GOOD.replace("route = { private = true }", "route = { private = false }"));
        assert!(e.contains("private = false"), "{e}");
        let e = error_of(&GOOD.replace("spin_manifest_version = 2", "spin_manifest_version = 1"));
        assert!(e.contains("must be 2"), "{e}");
        assert!(is_kebab_id("task-complete") && is_kebab_id("a1-b2"));
        assert!(!is_kebab_id("Api") && !is_kebab_id("a--b") && !is_kebab_id("-a"));
        assert!(!is_kebab_id("a_b") && !is_kebab_id("1a"));
    }
}
