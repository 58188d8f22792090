//! `{path}` substitution in layout text. Paths walk the data JSON
//! (`team.leader`, `figures.ballots_valid`); inside `each`/`table`/`cards`
//! the current item is searched first, then the whole document. Numbers are
//! printed in Vietnamese style (1.052); null and missing print as nothing.

use serde_json::Value;

/// The data in scope: innermost first.
pub struct Scope<'a> {
    pub frames: Vec<&'a Value>,
}

impl<'a> Scope<'a> {
    pub fn new(root: &'a Value) -> Scope<'a> {
        Scope { frames: vec![root] }
    }

    pub fn with(&self, item: &'a Value) -> Scope<'a> {
        let mut frames = vec![item];
        frames.extend(self.frames.iter().copied());
        Scope { frames }
    }

    pub fn lookup(&self, path: &str) -> Option<&'a Value> {
        for f in &self.frames {
            if let Some(v) = walk(f, path) {
                return Some(v);
            }
        }
        None
    }

    /// True for a non-empty string or array, a non-zero number, `true`, an object.
    pub fn truthy(&self, path: &str) -> bool {
        match self.lookup(path) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
            Some(Value::Object(_)) => true,
        }
    }

    /// Replaces every `{path}` in `text`.
    pub fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            match after.find('}') {
                Some(j) => {
                    let path = after[..j].trim();
                    if let Some(v) = self.lookup(path) {
                        out.push_str(&show(v));
                    }
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

fn walk<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Vietnamese thousands: 1052 → "1.052".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => thousands(i),
            None => n.to_string().replace('.', ","),
        },
        Value::Bool(b) => if *b { "x" } else { "" }.to_owned(),
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_paths_and_formats_numbers() {
        let d = json!({"a": {"b": 1052}, "name": "Lê Thị Hoa", "list": ["x", "y"]});
        let s = Scope::new(&d);
        assert_eq!(s.fill("Tổng: {a.b} — {name} {missing}|{list}"), "Tổng: 1.052 — Lê Thị Hoa |x, y");
        let item = json!({"name": "Trần Văn Bình"});
        assert_eq!(s.with(&item).fill("{name} / {a.b}"), "Trần Văn Bình / 1.052");
        assert_eq!(s.fill("không đóng {a.b"), "không đóng {a.b");
        assert!(s.truthy("list") && !s.truthy("missing"));
    }
}
