//! JSON to CEL values. JSON integers become CEL `int` (not `uint`), so that
//! `facts.length >= 32` compares like with like.

use cel::Value;
use cel::objects::{Key, Map};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// Converts a JSON value.
pub fn from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::Int(i),
            (None, Some(u), _) => Value::UInt(u),
            (_, _, Some(f)) => Value::Float(f),
            _ => Value::Null,
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(items) => Value::List(Arc::new(items.iter().map(from_json).collect())),
        Json::Object(map) => object(map.iter().map(|(k, v)| (k.as_str(), from_json(v)))),
    }
}

/// A CEL map from string keys.
pub fn object<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let map: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_owned())), v))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}

/// A CEL value as text in a message: strings bare, the rest as CEL would print them.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(display).collect::<Vec<_>>().join(", ")
        ),
        Value::Timestamp(t) => t.to_rfc3339(),
        other => format!("{other:?}"),
    }
}
