//! The subset of CEL that subscription routing rules use.
//!
//! Dapr compiles each `match` with cel-go over one variable, `event` (the
//! CloudEvent as a map). Supported here: `event.a.b` and `event["a"]`
//! selection, string/number/bool/null literals, list literals, `==`, `!=`,
//! `<`, `<=`, `>`, `>=`, `in`, `!`, `&&`, `||`, parentheses, `has(event.x)`
//! and the string methods `startsWith`, `endsWith`, `contains`, plus
//! `size()`. Anything else fails to compile, which makes the resource fail to
//! load (Dapr fails the subscription the same way).
//!
//! Evaluation follows CEL where it matters for routing: selecting a missing
//! key is an error; `&&`/`||` absorb errors when the other side decides the
//! result; equality between different types is `false`; numbers compare by
//! value across int/uint/double.

use std::fmt;

use serde_json::Value;

/// A compiled `match` expression.
#[derive(Clone)]
pub struct Program {
    source: String,
    expr: Expr,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Program({:?})", self.source)
    }
}

/// A compile or evaluation error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CelError(pub String);

fn cerr<T>(msg: impl Into<String>) -> Result<T, CelError> {
    Err(CelError(msg.into()))
}

impl Program {
    /// Compiles `source`.
    pub fn compile(source: &str) -> Result<Program, CelError> {
        let tokens = lex(source)?;
        let mut p = Parser { tokens, pos: 0 };
        let expr = p.expr()?;
        if p.pos != p.tokens.len() {
            return cerr(format!(
                "unexpected {:?} in expression {source:?}",
                p.tokens[p.pos]
            ));
        }
        if let Expr::Lit(v) = &expr {
            if !v.is_boolean() {
                return cerr(format!(
                    "expression {source:?} does not evaluate to a boolean"
                ));
            }
        }
        Ok(Program {
            source: source.to_string(),
            expr,
        })
    }

    /// The expression text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates against `event`; the result must be a boolean.
    pub fn matches(&self, event: &Value) -> Result<bool, CelError> {
        match eval(&self.expr, event)? {
            Value::Bool(b) => Ok(b),
            other => cerr(format!(
                "the expression {:?} must return a boolean, got {other}",
                self.source
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(Value),
    Op(&'static str),
}

fn lex(src: &str) -> Result<Vec<Tok>, CelError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let unsigned = i < chars.len() && (chars[i] == 'u' || chars[i] == 'U');
            if unsigned {
                i += 1;
            }
            let num = if text.contains('.') {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            } else if unsigned {
                text.parse::<u64>().ok().map(Value::from)
            } else {
                text.parse::<i64>().ok().map(Value::from)
            };
            out.push(Tok::Num(
                num.ok_or_else(|| CelError(format!("invalid number {text}")))?,
            ));
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return cerr(format!("unterminated string in {src:?}"));
                };
                i += 1;
                if ch == quote {
                    break;
                }
                if ch == '\\' {
                    let Some(&esc) = chars.get(i) else {
                        return cerr(format!("unterminated string in {src:?}"));
                    };
                    i += 1;
                    s.push(match esc {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '\\' => '\\',
                        '"' => '"',
                        '\'' => '\'',
                        other => return cerr(format!("unsupported escape \\{other}")),
                    });
                } else {
                    s.push(ch);
                }
            }
            out.push(Tok::Str(s));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op2 = ["==", "!=", "<=", ">=", "&&", "||"]
            .into_iter()
            .find(|op| *op == two);
        if let Some(op) = op2 {
            out.push(Tok::Op(op));
            i += 2;
            continue;
        }
        let op1 = match c {
            '!' => "!",
            '<' => "<",
            '>' => ">",
            '(' => "(",
            ')' => ")",
            '[' => "[",
            ']' => "]",
            ',' => ",",
            '.' => ".",
            _ => return cerr(format!("unexpected character {c:?} in {src:?}")),
        };
        out.push(Tok::Op(op1));
        i += 1;
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Lit(Value),
    Event,
    Select(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Box<Expr>),
    Has(Box<Expr>, String),
    Method(Box<Expr>, String, Vec<Expr>),
    Size(Box<Expr>),
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Tok::Op(o)) if *o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> Result<(), CelError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            cerr(format!(
                "expected {op:?}, found {:?}",
                self.tokens.get(self.pos)
            ))
        }
    }

    fn expr(&mut self) -> Result<Expr, CelError> {
        let mut lhs = self.and()?;
        while self.eat_op("||") {
            let rhs = self.and()?;
            lhs = Expr::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, CelError> {
        let mut lhs = self.relation()?;
        while self.eat_op("&&") {
            let rhs = self.relation()?;
            lhs = Expr::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn relation(&mut self) -> Result<Expr, CelError> {
        let lhs = self.unary()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat_op(op) {
                let rhs = self.unary()?;
                return Ok(Expr::Cmp(op, Box::new(lhs), Box::new(rhs)));
            }
        }
        if matches!(self.tokens.get(self.pos), Some(Tok::Ident(i)) if i == "in") {
            self.pos += 1;
            let rhs = self.unary()?;
            return Ok(Expr::In(Box::new(lhs), Box::new(rhs)));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, CelError> {
        if self.eat_op("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, CelError> {
        let mut e = self.primary()?;
        loop {
            if self.eat_op(".") {
                let Some(Tok::Ident(name)) = self.tokens.get(self.pos).cloned() else {
                    return cerr("expected a field name after '.'");
                };
                self.pos += 1;
                if self.eat_op("(") {
                    let args = self.args(")")?;
                    e = match (name.as_str(), args.len()) {
                        ("startsWith" | "endsWith" | "contains", 1) => {
                            Expr::Method(Box::new(e), name, args)
                        }
                        ("size", 0) => Expr::Size(Box::new(e)),
                        _ => return cerr(format!("unsupported function {name}")),
                    };
                } else {
                    e = Expr::Select(Box::new(e), name);
                }
            } else if self.eat_op("[") {
                let idx = self.expr()?;
                self.expect_op("]")?;
                e = Expr::Index(Box::new(e), Box::new(idx));
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, CelError> {
        let mut args = Vec::new();
        if self.eat_op(close) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat_op(close) {
                return Ok(args);
            }
            self.expect_op(",")?;
        }
    }

    fn primary(&mut self) -> Result<Expr, CelError> {
        let Some(tok) = self.tokens.get(self.pos).cloned() else {
            return cerr("unexpected end of expression");
        };
        self.pos += 1;
        match tok {
            Tok::Str(s) => Ok(Expr::Lit(Value::String(s))),
            Tok::Num(n) => Ok(Expr::Lit(n)),
            Tok::Op("(") => {
                let e = self.expr()?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Op("[") => Ok(Expr::List(self.args("]")?)),
            Tok::Ident(id) => match id.as_str() {
                "true" => Ok(Expr::Lit(Value::Bool(true))),
                "false" => Ok(Expr::Lit(Value::Bool(false))),
                "null" => Ok(Expr::Lit(Value::Null)),
                "event" => Ok(Expr::Event),
                "has" => {
                    self.expect_op("(")?;
                    let arg = self.expr()?;
                    self.expect_op(")")?;
                    match arg {
                        Expr::Select(target, field) => Ok(Expr::Has(target, field)),
                        _ => cerr("invalid argument to has() macro"),
                    }
                }
                "size" if self.peek_op("(") => {
                    self.pos += 1;
                    let arg = self.expr()?;
                    self.expect_op(")")?;
                    Ok(Expr::Size(Box::new(arg)))
                }
                other => cerr(format!("undeclared reference to '{other}'")),
            },
            Tok::Op(op) => cerr(format!("unexpected {op:?}")),
        }
    }
}

fn eval(e: &Expr, event: &Value) -> Result<Value, CelError> {
    match e {
        Expr::Lit(v) => Ok(v.clone()),
        Expr::Event => Ok(event.clone()),
        Expr::Select(target, field) => match eval(target, event)? {
            Value::Object(m) => m
                .get(field)
                .cloned()
                .ok_or_else(|| CelError(format!("no such key: {field}"))),
            other => cerr(format!(
                "type '{}' does not support field selection",
                type_name(&other)
            )),
        },
        Expr::Index(target, idx) => {
            let t = eval(target, event)?;
            let i = eval(idx, event)?;
            match (&t, &i) {
                (Value::Object(m), Value::String(k)) => m
                    .get(k)
                    .cloned()
                    .ok_or_else(|| CelError(format!("no such key: {k}"))),
                (Value::Array(a), Value::Number(n)) => n
                    .as_u64()
                    .and_then(|n| a.get(n as usize))
                    .cloned()
                    .ok_or_else(|| CelError(format!("index out of range: {n}"))),
                _ => cerr(format!(
                    "no such overload: {}[{}]",
                    type_name(&t),
                    type_name(&i)
                )),
            }
        }
        Expr::List(items) => Ok(Value::Array(
            items
                .iter()
                .map(|i| eval(i, event))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Not(inner) => match eval(inner, event)? {
            Value::Bool(b) => Ok(Value::Bool(!b)),
            other => cerr(format!("no such overload: !{}", type_name(&other))),
        },
        Expr::And(a, b) => logic(eval(a, event), eval(b, event), false),
        Expr::Or(a, b) => logic(eval(a, event), eval(b, event), true),
        Expr::Cmp(op, a, b) => {
            let (a, b) = (eval(a, event)?, eval(b, event)?);
            match *op {
                "==" => Ok(Value::Bool(equal(&a, &b))),
                "!=" => Ok(Value::Bool(!equal(&a, &b))),
                _ => {
                    let ord = order(&a, &b).ok_or_else(|| {
                        CelError(format!(
                            "no such overload: {} {op} {}",
                            type_name(&a),
                            type_name(&b)
                        ))
                    })?;
                    Ok(Value::Bool(match *op {
                        "<" => ord.is_lt(),
                        "<=" => ord.is_le(),
                        ">" => ord.is_gt(),
                        _ => ord.is_ge(),
                    }))
                }
            }
        }
        Expr::In(needle, hay) => {
            let n = eval(needle, event)?;
            match eval(hay, event)? {
                Value::Array(items) => Ok(Value::Bool(items.iter().any(|i| equal(i, &n)))),
                Value::Object(m) => match &n {
                    Value::String(k) => Ok(Value::Bool(m.contains_key(k))),
                    _ => Ok(Value::Bool(false)),
                },
                other => cerr(format!("no such overload: in {}", type_name(&other))),
            }
        }
        Expr::Has(target, field) => match eval(target, event)? {
            Value::Object(m) => Ok(Value::Bool(m.contains_key(field))),
            other => cerr(format!("invalid type for has(): {}", type_name(&other))),
        },
        Expr::Method(target, name, args) => {
            let t = eval(target, event)?;
            let a = eval(&args[0], event)?;
            match (&t, &a) {
                (Value::String(s), Value::String(x)) => Ok(Value::Bool(match name.as_str() {
                    "startsWith" => s.starts_with(x.as_str()),
                    "endsWith" => s.ends_with(x.as_str()),
                    _ => s.contains(x.as_str()),
                })),
                _ => cerr(format!(
                    "no such overload: {}.{name}({})",
                    type_name(&t),
                    type_name(&a)
                )),
            }
        }
        Expr::Size(target) => match eval(target, event)? {
            Value::String(s) => Ok(Value::from(s.chars().count() as i64)),
            Value::Array(a) => Ok(Value::from(a.len() as i64)),
            Value::Object(m) => Ok(Value::from(m.len() as i64)),
            other => cerr(format!("no such overload: size({})", type_name(&other))),
        },
    }
}

/// CEL's commutative `&&`/`||`: a deciding operand wins even if the other
/// side is an error.
fn logic(
    a: Result<Value, CelError>,
    b: Result<Value, CelError>,
    is_or: bool,
) -> Result<Value, CelError> {
    let decides = Value::Bool(is_or);
    if a.as_ref().ok() == Some(&decides) || b.as_ref().ok() == Some(&decides) {
        return Ok(decides);
    }
    match (a?, b?) {
        (Value::Bool(_), Value::Bool(_)) => Ok(Value::Bool(!is_or)),
        (x, y) => cerr(format!(
            "no such overload: {} {} {}",
            type_name(&x),
            if is_or { "||" } else { "&&" },
            type_name(&y)
        )),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(std::cmp::Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn num_cmp(x: &serde_json::Number, y: &serde_json::Number) -> Option<std::cmp::Ordering> {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return Some(a.cmp(&b));
    }
    x.as_f64()?.partial_cmp(&y.as_f64()?)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null_type",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "double",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(src: &str, ev: &Value) -> Result<bool, CelError> {
        Program::compile(src).unwrap().matches(ev)
    }

    #[test]
    fn routing_expressions() {
        let ev = json!({"type": "tasks.created", "data": {"priority": 3, "tags": ["a"]}, "source": "api"});
        assert!(check(r#"event.type == "tasks.created""#, &ev).unwrap());
        assert!(!check(r#"event.type != "tasks.created""#, &ev).unwrap());
        assert!(check(r#"event.type in ["tasks.updated", 'tasks.created']"#, &ev).unwrap());
        assert!(check(
            r#"event.type == "x" || (event.source == "api" && event.data.priority >= 3)"#,
            &ev
        )
        .unwrap());
        assert!(check("true", &ev).unwrap());
        assert!(check(r#"event["type"].startsWith("tasks.")"#, &ev).unwrap());
        assert!(check(r#"has(event.data) && !has(event.subject)"#, &ev).unwrap());
        assert!(check(
            r#"size(event.data.tags) == 1 && "a" in event.data.tags"#,
            &ev
        )
        .unwrap());
        assert!(check("event.data.priority == 3.0", &ev).unwrap());
        assert!(!check(r#"event.data.priority == "3""#, &ev).unwrap());
    }

    #[test]
    fn errors_and_absorption() {
        let ev = json!({"type": "a"});
        assert!(check("event.missing == 'x'", &ev).is_err());
        assert!(check("event.type == 'a' || event.missing == 'x'", &ev).unwrap());
        assert!(!check("event.type == 'b' && event.missing == 'x'", &ev).unwrap());
        assert!(check("event.type", &ev).is_err());
        for bad in [
            "event.type ==",
            "foo.type == 'a'",
            "event.type == 'a",
            "event.type.matches('x')",
            "'str'",
            "event.type = 'a'",
        ] {
            assert!(Program::compile(bad).is_err(), "{bad}");
        }
    }
}
