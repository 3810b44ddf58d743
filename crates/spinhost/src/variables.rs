//! Application variables: key rules, `{{ var }}` templates and their
//! resolution, following Spin 3.6's `spin-expressions` and
//! `factor-variables`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use crate::manifest::VariableDecl;

/// The error a guest sees from `fermyon:spin/variables.get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableError {
    InvalidName(String),
    Undefined(String),
    Provider(String),
    Other(String),
}

impl fmt::Display for VariableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidName(m) => write!(f, "invalid variable name: {m}"),
            Self::Undefined(m) => write!(f, "undefined variable: {m}"),
            Self::Provider(m) => write!(f, "provider error: {m}"),
            Self::Other(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for VariableError {}

/// Checks a variable name the way Spin does: `[a-z0-9_]`, a lowercase
/// letter first, a letter or digit last, and no `__`. On failure the message
/// is Spin's: the quoted name, a colon and the reason.
pub fn validate_key(key: &str) -> Result<(), VariableError> {
    let reason = if key.is_empty() {
        Some("must not be empty".to_string())
    } else if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        Some(format!(
            "invalid character {bad:?}. Variable names may contain only lower-case letters, numbers, and underscores."
        ))
    } else if !key.as_bytes()[0].is_ascii_lowercase() {
        Some("must start with a lowercase ASCII letter".to_string())
    } else if !key.as_bytes()[key.len() - 1].is_ascii_alphanumeric() {
        Some("must end with a lowercase ASCII letter or digit".to_string())
    } else if key.contains("__") {
        Some("must not contain multiple consecutive underscores".to_string())
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(VariableError::InvalidName(format!("{key:?}: {reason}"))),
    }
}

/// A string with `{{ name }}` expressions in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TemplatePart {
    Literal(String),
    Variable(String),
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after_open) = rest.strip_prefix("{{") {
                let (expr, tail) = after_open
                    .split_once("}}")
                    .ok_or_else(|| format!("unmatched '{{{{' in template {text:?}"))?;
                parts.push(TemplatePart::Variable(expr.trim().to_string()));
                rest = tail;
            } else {
                let end = rest.find("{{").unwrap_or(rest.len());
                parts.push(TemplatePart::Literal(rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
        Ok(Self { parts })
    }

    pub fn is_literal(&self) -> bool {
        self.parts
            .iter()
            .all(|p| matches!(p, TemplatePart::Literal(_)))
    }

    /// The application variables the template refers to.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Variable(name) => Some(name.as_str()),
            TemplatePart::Literal(_) => None,
        })
    }
}

/// Looks up a process environment variable; replaceable in tests.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Resolves application variables. Precedence, highest first, as in
/// `spin up`: explicit overrides (`--variable`), the environment
/// (`SPIN_VARIABLE_<NAME>`), then the manifest default.
#[derive(Clone)]
pub struct VariableResolver {
    declared: BTreeMap<String, VariableDecl>,
    overrides: HashMap<String, String>,
    env: EnvLookup,
}

impl fmt::Debug for VariableResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VariableResolver")
            .field("declared", &self.declared.keys().collect::<Vec<_>>())
            .field("overrides", &self.overrides.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl VariableResolver {
    pub fn new(
        declared: BTreeMap<String, VariableDecl>,
        overrides: HashMap<String, String>,
    ) -> Self {
        Self::with_env(
            declared,
            overrides,
            Arc::new(|name| std::env::var(name).ok()),
        )
    }

    pub fn with_env(
        declared: BTreeMap<String, VariableDecl>,
        overrides: HashMap<String, String>,
        env: EnvLookup,
    ) -> Self {
        Self {
            declared,
            overrides,
            env,
        }
    }

    /// The value of one application variable.
    pub fn resolve_variable(&self, name: &str) -> Result<String, VariableError> {
        if let Some(value) = self.overrides.get(name) {
            return Ok(value.clone());
        }
        if let Some(value) = (self.env)(&env_name(name)) {
            return Ok(value);
        }
        let decl = self
            .declared
            .get(name)
            .ok_or_else(|| VariableError::InvalidName(name.to_string()))?;
        decl.default.clone().ok_or_else(|| {
            VariableError::Provider(format!("no provider resolved required variable {name:?}"))
        })
    }

    pub fn resolve_template(&self, template: &Template) -> Result<String, VariableError> {
        let mut out = String::new();
        for part in &template.parts {
            match part {
                TemplatePart::Literal(text) => out.push_str(text),
                TemplatePart::Variable(name) => out.push_str(&self.resolve_variable(name)?),
            }
        }
        Ok(out)
    }

    /// Required variables that no override or environment variable sets.
    pub fn unresolved_required(&self) -> Vec<String> {
        self.declared
            .iter()
            .filter(|(name, decl)| decl.default.is_none() && self.resolve_variable(name).is_err())
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// `db_url` → `SPIN_VARIABLE_DB_URL`.
pub fn env_name(variable: &str) -> String {
    format!("SPIN_VARIABLE_{}", variable.to_ascii_uppercase())
}

/// The variables one component may read: its `[component.x.variables]`.
#[derive(Debug, Clone)]
pub struct ComponentVariables {
    component_id: String,
    templates: HashMap<String, Template>,
    resolver: Arc<VariableResolver>,
}

impl ComponentVariables {
    pub fn new(
        component_id: impl Into<String>,
        templates: HashMap<String, Template>,
        resolver: Arc<VariableResolver>,
    ) -> Self {
        Self {
            component_id: component_id.into(),
            templates,
            resolver,
        }
    }

    /// What `variables::get(name)` answers, errors included.
    pub fn get(&self, name: &str) -> Result<String, VariableError> {
        validate_key(name)?;
        let template = self.templates.get(name).ok_or_else(|| {
            VariableError::Undefined(format!("no variable for {:?}.{name:?}", self.component_id))
        })?;
        self.resolver.resolve_template(template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(default: Option<&str>) -> VariableDecl {
        VariableDecl {
            default: default.map(str::to_string),
            required: default.is_none(),
            secret: false,
        }
    }

    fn resolver(env: &[(&str, &str)], overrides: &[(&str, &str)]) -> Arc<VariableResolver> {
        let declared = BTreeMap::from([
            ("db_url".to_string(), decl(Some(""))),
            ("port".to_string(), decl(Some("5432"))),
            ("secret".to_string(), decl(None)),
        ]);
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let overrides = overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(VariableResolver::with_env(
            declared,
            overrides,
            Arc::new(move |name| env.get(name).cloned()),
        ))
    }

    fn component(resolver: Arc<VariableResolver>) -> ComponentVariables {
        let templates = [
            ("db_url", "{{ db_url }}"),
            ("addr", "host:{{port}}/x"),
            ("secret", "{{ secret }}"),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), Template::parse(t).unwrap()))
        .collect();
        ComponentVariables::new("api", templates, resolver)
    }

    #[test]
    fn key_rules_match_spin() {
        for ok in ["a", "db_url", "a1", "x_2_y"] {
            assert_eq!(validate_key(ok), Ok(()), "{ok}");
        }
        for (bad, reason) in [
            ("", "must not be empty"),
            ("Db", "invalid character 'D'"),
            ("db-url", "invalid character '-'"),
            ("1db", "must start with a lowercase ASCII letter"),
            ("_db", "must start"),
            ("db_", "must end with a lowercase ASCII letter or digit"),
            (
                "db__url",
                "must not contain multiple consecutive underscores",
            ),
        ] {
            match validate_key(bad) {
                Err(VariableError::InvalidName(m)) => {
                    assert!(m.starts_with(&format!("{bad:?}: ")), "{m}");
                    assert!(m.contains(reason), "{bad}: {m}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn templates_parse_literals_and_expressions() {
        let t = Template::parse("postgres://{{ host }}:{{port}}").unwrap();
        assert!(!t.is_literal());
        assert_eq!(t.variables().collect::<Vec<_>>(), ["host", "port"]);
        assert!(Template::parse("plain").unwrap().is_literal());
        assert!(Template::parse("").unwrap().is_literal());
        assert!(Template::parse("{{ open").is_err());
    }

    #[test]
    fn default_is_used_when_nothing_else_is_set() {
        let vars = component(resolver(&[], &[]));
        assert_eq!(vars.get("db_url").unwrap(), "");
        assert_eq!(vars.get("addr").unwrap(), "host:5432/x");
    }

    #[test]
    fn environment_beats_default_and_override_beats_environment() {
        let vars = component(resolver(&[("SPIN_VARIABLE_PORT", "6000")], &[]));
        assert_eq!(vars.get("addr").unwrap(), "host:6000/x");
        let vars = component(resolver(
            &[("SPIN_VARIABLE_PORT", "6000")],
            &[("port", "7000")],
        ));
        assert_eq!(vars.get("addr").unwrap(), "host:7000/x");
    }

    #[test]
    fn undeclared_and_invalid_names() {
        let vars = component(resolver(&[], &[]));
        assert_eq!(
            vars.get("port"),
            Err(VariableError::Undefined(
                "no variable for \"api\".\"port\"".to_string()
            ))
        );
        assert!(matches!(
            vars.get("Bad"),
            Err(VariableError::InvalidName(_))
        ));
    }

    #[test]
    fn required_without_value_is_a_provider_error_when_read() {
        let r = resolver(&[], &[]);
        assert_eq!(r.unresolved_required(), ["secret"]);
        let vars = component(r);
        assert_eq!(
            vars.get("secret"),
            Err(VariableError::Provider(
                "no provider resolved required variable \"secret\"".to_string()
            ))
        );
        let vars = component(resolver(&[("SPIN_VARIABLE_SECRET", "s3")], &[]));
        assert_eq!(vars.get("secret").unwrap(), "s3");
    }
}
