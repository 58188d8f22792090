//! Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace,
//! strings NFC as stored. The SHA-256 of the minutes is taken over this
//! text, so it must not depend on how a map happens to be ordered in memory
//! (serde_json's `preserve_order` feature may be on in some builds).

use serde_json::Value;

/// Renders `v` canonically.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::with_capacity(1024);
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<(&String, &Value)> = m.iter().collect();
            if !keys.is_sorted_by(|a, b| a.0 <= b.0) {
                keys.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (k, x)) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                write(x, out);
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
        Value::String(s) => string(s, out),
        Value::Number(n) => {
            use std::fmt::Write as _;
            // Writing into a String cannot fail.
            let _ = write!(out, "{n}");
        }
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Null => out.push_str("null"),
    }
}

/// `s` as a JSON string, escaped exactly as serde_json escapes it (`"`,
/// `\` and the control characters; everything else as is).
fn string(s: &str, out: &mut String) {
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&Value::String(s.to_owned()).to_string());
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

    /// Strings and numbers come out exactly as serde_json writes them.
    #[test]
    fn scalars_as_serde_json_writes_them() {
        for v in [json!("a\"b\\c\n\t\u{1}\u{7f}Ễ"), json!(-12), json!(18446744073709551615u64), json!(1.5), json!(false), json!(null), json!("")] {
            assert_eq!(canonical_json(&v), v.to_string());
        }
        let v = json!({"k\"\n": {"ā": [true, "x"]}});
        assert_eq!(canonical_json(&v), r#"{"k\"\n":{"ā":[true,"x"]}}"#);
    }
}
