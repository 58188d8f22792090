//! Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace,
//! strings NFC as stored. The SHA-256 of the minutes is taken over this
//! text, so it must not depend on how a map happens to be ordered in memory
//! (serde_json's `preserve_order` feature may be on in some builds).

use serde_json::Value;

/// Renders `v` canonically.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(x) = m.get(*k) {
                    write(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_json;
    use serde_json::json;

    #[test]
    fn keys_sorted_no_whitespace() {
        let v = json!({"b": [1, {"z": "Đ", "a": null}], "a": true});
        assert_eq!(canonical_json(&v), r#"{"a":true,"b":[1,{"a":null,"z":"Đ"}]}"#);
    }
}
