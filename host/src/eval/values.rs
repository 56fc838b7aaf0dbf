//! JSON to CEL values. JSON integers become CEL `int` (not `uint`), so that
//! `facts.length >= 32` compares like with like.

use cel::Value;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::Val;
use serde_json::Value as Json;
use std::collections::HashMap;

/// Converts a JSON value into the interpreter's representation, borrowing
/// every string and key rather than copying them (a large check's facts
/// hold tens of thousands of strings).
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
    use cel::objects::Key;
    use std::sync::Arc;

    #[test]
    fn borrowed_values_are_the_values_of_the_json() {
        let json = serde_json::json!({
            "int": -3, "big": u64::MAX, "float": 1.5, "text": "a", "null": null,
            "flag": true, "list": [1, "b", {"nested": [false]}], "empty": {}
        });
        let borrowed = to_val(&json);
        let Ok(Value::Map(map)) = Value::try_from(borrowed.as_ref()) else {
            panic!("a map")
        };
        let get = |key: &str| map.map.get(&Key::String(Arc::new(key.into()))).cloned();
        // Integers are `int` (`facts.n >= 32` compares like with like);
        // only what does not fit is `uint`.
        assert_eq!(get("int"), Some(Value::Int(-3)));
        assert_eq!(get("big"), Some(Value::UInt(u64::MAX)));
        assert_eq!(get("float"), Some(Value::Float(1.5)));
        assert_eq!(get("text"), Some(Value::String(Arc::new("a".into()))));
        assert_eq!(get("null"), Some(Value::Null));
        assert_eq!(get("flag"), Some(Value::Bool(true)));
        let Some(Value::List(list)) = get("list") else {
            panic!("a list")
        };
        assert_eq!(list.len(), 3);
        assert_eq!(list[0], Value::Int(1));
        assert!(matches!(&list[2], Value::Map(m) if m.map.len() == 1));
        assert!(matches!(get("empty"), Some(Value::Map(m)) if m.map.is_empty()));
    }
}
