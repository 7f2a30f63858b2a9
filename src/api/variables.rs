//! Checking the variables of a request against the operation's definitions before it runs,
//! as the spec's CoerceVariableValues does (async-graphql leaves a missing variable to fail
//! inside a resolver, where it reads as an internal error). Every message is worded as
//! graphql-js words it, so a client sees the same text from any GraphQL server:
//! `Variable "$n" of required type "String!" was not provided.`

use super::error::Code;
use super::scalars::Date;
use async_graphql::parser::types::OperationDefinition;
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Name, ScalarType, ServerError, Value, Variables};
use std::fmt::Write;

/// The longest rendering of a client's value quoted in a message.
const MAX_QUOTED: usize = 80;

/// A variable whose value cannot be used, and why.
pub struct BadVariable {
    /// The variable's name (without `$`).
    pub name: Name,
    /// The `BAD_USER_INPUT` error to answer with.
    pub error: ServerError,
}

/// Checks `variables` against the variable definitions of `op`; one error per variable that is missing, null where it must not be, or of the wrong type or shape. Variables the operation does not define are ignored, as the spec says.
pub fn check(registry: &Registry, op: &OperationDefinition, variables: &Variables) -> Vec<BadVariable> {
    let mut bad = Vec::new();
    for def in &op.variable_definitions {
        let name = &def.node.name.node;
        let ty = def.node.var_type.node.to_string();
        if !is_input_type(registry, &ty) {
            continue; // validation reports it
        }
        let message = match variables.get(name) {
            None if !def.node.var_type.node.nullable && def.node.default_value.is_none() => {
                Some(format!(r#"Variable "${name}" of required type "{ty}" was not provided."#))
            }
            None => None,
            Some(Value::Null) if !def.node.var_type.node.nullable => {
                Some(format!(r#"Variable "${name}" of non-null type "{ty}" must not be null."#))
            }
            Some(value) => {
                let mut path = Vec::new();
                coerce(registry, &ty, value, &mut path).err().map(|(at, invalid, why)| {
                    let mut m = format!(r#"Variable "${name}" got invalid value {}"#, inspect(invalid));
                    if !at.is_empty() {
                        let _ = write!(m, r#" at "{name}{at}""#);
                    }
                    let _ = write!(m, "; {why}");
                    m
                })
            }
        };
        if let Some(message) = message {
            let mut error = ServerError::new(message, Some(def.pos));
            error.extensions.get_or_insert_with(Default::default).set("code", Code::BadUserInput);
            bad.push(BadVariable { name: name.clone(), error });
        }
    }
    bad
}

/// True when `ty` (`[String!]!`) names an input type of the schema.
fn is_input_type(registry: &Registry, ty: &str) -> bool {
    let named = ty.trim_matches(|c| c == '[' || c == ']' || c == '!');
    matches!(
        registry.types.get(named),
        Some(MetaType::Scalar { .. } | MetaType::Enum { .. } | MetaType::InputObject { .. })
    )
}

/// One step into a value: an input field or a list index.
enum Step {
    Field(String),
    Index(usize),
}

/// Where in the value, what is there, and what is wrong with it.
type Invalid<'v> = (String, &'v Value, String);

/// Checks that `value` can be coerced to `ty`; the first problem found.
fn coerce<'v>(registry: &Registry, ty: &str, value: &'v Value, path: &mut Vec<Step>) -> Result<(), Invalid<'v>> {
    let fail = |path: &Vec<Step>, why: String| Err((print_path(path), value, why));
    if let Some(inner) = ty.strip_suffix('!') {
        if matches!(value, Value::Null) {
            return fail(path, format!(r#"Expected non-nullable type "{ty}" not to be null."#));
        }
        return coerce(registry, inner, value, path);
    }
    if matches!(value, Value::Null) {
        return Ok(());
    }
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return match value {
            Value::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    coerce(registry, item, v, path)?;
                    path.pop();
                }
                Ok(())
            }
            // A single value stands for a list of one.
            other => coerce(registry, item, other, path),
        };
    }
    match registry.types.get(ty) {
        Some(MetaType::InputObject { input_fields, .. }) => {
            let Value::Object(fields) = value else {
                return fail(path, format!(r#"Expected type "{ty}" to be an object."#));
            };
            for (name, field) in input_fields {
                match fields.get(name.as_str()) {
                    None if field.ty.ends_with('!') && field.default_value.is_none() => {
                        return fail(
                            path,
                            format!(r#"Field "{name}" of required type "{}" was not provided."#, field.ty),
                        );
                    }
                    None => {}
                    Some(v) => {
                        path.push(Step::Field(name.clone()));
                        coerce(registry, &field.ty, v, path)?;
                        path.pop();
                    }
                }
            }
            if let Some(unknown) = fields.keys().find(|k| !input_fields.contains_key(k.as_str())) {
                return fail(path, format!(r#"Field "{}" is not defined by type "{ty}"."#, clip(unknown)));
            }
            Ok(())
        }
        Some(MetaType::Enum { enum_values, .. }) => match value {
            Value::String(s) if enum_values.contains_key(s.as_str()) => Ok(()),
            Value::Enum(s) if enum_values.contains_key(s.as_str()) => Ok(()),
            Value::String(s) => fail(path, format!(r#"Value "{}" does not exist in "{ty}" enum."#, clip(s))),
            Value::Enum(s) => fail(path, format!(r#"Value "{}" does not exist in "{ty}" enum."#, clip(s))),
            other => fail(path, format!(r#"Enum "{ty}" cannot represent non-string value: {}."#, inspect(other))),
        },
        Some(MetaType::Scalar { is_valid, .. }) => match scalar(ty, value) {
            Some(why) => fail(path, why),
            None if is_valid.as_ref().is_some_and(|ok| !ok(value)) => fail(path, format!(r#"Expected type "{ty}"."#)),
            None => Ok(()),
        },
        _ => Ok(()), // not an input type: validation reports it
    }
}

/// Why `value` is not a `ty` (a scalar), worded as graphql-js does; `None` when it is one.
fn scalar(ty: &str, value: &Value) -> Option<String> {
    let shown = inspect(value);
    match (ty, value) {
        ("Int", Value::Number(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => None,
        ("Int", Value::Number(n)) if n.as_i64().is_some() || n.as_u64().is_some() => {
            Some(format!("Int cannot represent non 32-bit signed integer value: {shown}"))
        }
        ("Int", _) => Some(format!("Int cannot represent non-integer value: {shown}")),
        ("Float", Value::Number(_)) => None,
        ("Float", _) => Some(format!("Float cannot represent non numeric value: {shown}")),
        ("String", Value::String(_)) => None,
        ("String", _) => Some(format!("String cannot represent a non string value: {shown}")),
        ("Boolean", Value::Boolean(_)) => None,
        ("Boolean", _) => Some(format!("Boolean cannot represent a non boolean value: {shown}")),
        ("ID", Value::String(_)) => None,
        ("ID", Value::Number(n)) if n.is_i64() || n.is_u64() => None,
        ("ID", _) => Some(format!("ID cannot represent value: {shown}")),
        ("Date", v) => <Date as ScalarType>::parse(v.clone()).err().map(|e| {
            let message = e.into_server_error(Default::default()).message;
            let why = message.strip_prefix(r#"Failed to parse "Date": "#).unwrap_or(&message).to_owned();
            format!(r#"Expected type "Date". {why}"#)
        }),
        _ => None,
    }
}

/// `.filter.kinds[0]`, as graphql-js prints a path inside a variable.
fn print_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        let _ = match step {
            Step::Field(f) => write!(out, ".{f}"),
            Step::Index(i) => write!(out, "[{i}]"),
        };
    }
    out
}

/// A value as graphql-js's `inspect` shows it (`"June"`, `[1, 2]`, `{ a: 1 }`), clipped.
pub fn inspect(value: &Value) -> String {
    let mut out = String::new();
    show(value, &mut out, 0);
    if out.chars().count() > MAX_QUOTED {
        out = out.chars().take(MAX_QUOTED).collect::<String>() + "...";
    }
    out
}

fn show(value: &Value, out: &mut String, depth: usize) {
    if out.len() > MAX_QUOTED * 4 {
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Enum(e) => out.push_str(e.as_str()),
        Value::Binary(_) => out.push_str("[Binary]"),
        Value::List(items) if depth >= 2 => out.push_str(if items.is_empty() { "[]" } else { "[Array]" }),
        Value::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                show(v, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(_) if depth >= 2 => out.push_str("[Object]"),
        Value::Object(map) => {
            out.push_str("{ ");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{k}: ");
                show(v, out, depth + 1);
            }
            out.push_str(" }");
        }
    }
}

/// At most 40 characters of a client's text, for messages.
fn clip(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}
