//! JSON to CEL values. JSON integers become CEL `int` (not `uint`), so that
//! `facts.length >= 32` compares like with like.

use cel::Value;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::Val;
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

/// Converts a JSON value straight into the interpreter's representation,
/// borrowing every string and key: what [`from_json`] and the interpreter's
/// own conversion of a bound [`Value`] give, without copying the text (a
/// large check's facts hold tens of thousands of strings).
pub fn to_val(json: &Json) -> Box<dyn Val + '_> {
    match json {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Box::new(CelInt::from(i)),
            (None, Some(u), _) => Box::new(CelUInt::from(u)),
            (_, _, Some(f)) => Box::new(CelDouble::from(f)),
            _ => Box::new(CelNull),
        },
        Json::String(s) => Box::new(CelString::from(s.as_str())),
        Json::Array(items) => Box::new(CelList::from(items.iter().map(to_val).collect::<Vec<_>>())),
        Json::Object(map) => val_map(map.iter().map(|(k, v)| (k.as_str(), to_val(v)))),
    }
}

/// A map of the interpreter's representation from borrowed string keys.
pub fn val_map<'v>(
    entries: impl IntoIterator<Item = (&'v str, Box<dyn Val + 'v>)>,
) -> Box<dyn Val + 'v> {
    let map: HashMap<CelMapKey<'v>, Box<dyn Val + 'v>> = entries
        .into_iter()
        .map(|(k, v)| (CelMapKey::from(k), v))
        .collect();
    Box::new(CelMap::from(map))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_values_are_the_values_of_the_json() {
        let json = serde_json::json!({
            "int": -3, "big": u64::MAX, "float": 1.5, "text": "a", "null": null,
            "flag": true, "list": [1, "b", {"nested": [false]}], "empty": {}
        });
        let borrowed = to_val(&json);
        let converted = Value::try_from(borrowed.as_ref()).expect("converts");
        assert_eq!(converted, from_json(&json));
        // Integers stay `int`, as in `from_json`: `facts.n >= 32` compares like with like.
        let Value::Map(map) = converted else {
            panic!("a map")
        };
        let int = map.map.get(&Key::String(Arc::new("int".into())));
        assert_eq!(int, Some(&Value::Int(-3)));
    }
}
