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

/// The canonical text of `v`, as `canonical_json(&serde_json::to_value(v))`
/// renders it, written straight from `v` without building the
/// `serde_json::Value` tree (a board reads 30,000 minutes documents on its
/// first check, each re-serialised to prove it is canonical). Values this
/// writer does not take (a map key that is not a string, an integer or a
/// character; a float) go the long way, so the text is the same either way.
pub fn to_canonical<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, serde_json::Error> {
    let mut out = String::with_capacity(2048);
    match v.serialize(Direct { out: &mut out }) {
        Ok(()) => Ok(out),
        Err(Unsupported) => Ok(canonical_json(&serde_json::to_value(v)?)),
    }
}

/// What [`Direct`] leaves to `serde_json::to_value`.
#[derive(Debug)]
struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not written directly")
    }
}

impl std::error::Error for Unsupported {}

impl serde::ser::Error for Unsupported {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unsupported
    }
}

/// Writes canonical JSON into `out`.
struct Direct<'a> {
    out: &'a mut String,
}

fn int(out: &mut String, v: impl std::fmt::Display) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(out, "{v}");
}

/// An object being written: its members' texts in `buf`, each named by its
/// key and its range, put in key order at the end.
struct Object<'a> {
    out: &'a mut String,
    buf: String,
    members: Vec<(std::borrow::Cow<'static, str>, std::ops::Range<usize>)>,
    key: Option<String>,
    /// `Some(name)`: the object is the value of `{"name": …}` (a struct
    /// variant).
    variant: Option<&'static str>,
}

impl<'a> Object<'a> {
    fn new(out: &'a mut String, variant: Option<&'static str>) -> Object<'a> {
        Object { out, buf: String::new(), members: Vec::new(), key: None, variant }
    }

    fn member<T: serde::Serialize + ?Sized>(&mut self, key: std::borrow::Cow<'static, str>, v: &T) -> Result<(), Unsupported> {
        let start = self.buf.len();
        v.serialize(Direct { out: &mut self.buf })?;
        self.members.push((key, start..self.buf.len()));
        Ok(())
    }

    fn finish(mut self) -> Result<(), Unsupported> {
        if !self.members.is_sorted_by(|a, b| a.0 <= b.0) {
            self.members.sort_by(|a, b| a.0.cmp(&b.0));
        }
        // A key given twice: the Value keeps the last one.
        if self.members.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(Unsupported);
        }
        if let Some(name) = self.variant {
            self.out.push('{');
            string(name, self.out);
            self.out.push(':');
        }
        self.out.push('{');
        for (i, (k, r)) in self.members.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            string(k, self.out);
            self.out.push(':');
            self.out.push_str(&self.buf[r.clone()]);
        }
        self.out.push('}');
        if self.variant.is_some() {
            self.out.push('}');
        }
        Ok(())
    }
}

/// An array being written; `variant`: the value of `{"name": […]}`.
struct Array<'a> {
    out: &'a mut String,
    first: bool,
    variant: bool,
}

impl Array<'_> {
    fn element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        v.serialize(Direct { out: self.out })
    }

    fn finish(self) -> Result<(), Unsupported> {
        self.out.push(']');
        if self.variant {
            self.out.push('}');
        }
        Ok(())
    }
}

/// `serialize_i8` … `serialize_u64`: written as serde_json writes them.
macro_rules! integers {
    ($($method:ident $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), Unsupported> {
            int(self.out, v);
            Ok(())
        }
    )*};
}

impl<'a> serde::Serializer for Direct<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    integers!(serialize_i8 i8, serialize_i16 i16, serialize_i32 i32, serialize_i64 i64, serialize_u8 u8, serialize_u16 u16, serialize_u32 u32, serialize_u64 u64);
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        let mut a = self.serialize_seq(Some(v.len()))?;
        for b in v {
            a.element(b)?;
        }
        a.finish()
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unsupported> {
        string(variant, self.out);
        Ok(())
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(self, _: &'static str, _: u32, variant: &'static str, v: &T) -> Result<(), Unsupported> {
        self.out.push('{');
        string(variant, self.out);
        self.out.push(':');
        v.serialize(Direct { out: self.out })?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Array<'a>, Unsupported> {
        self.out.push('[');
        Ok(Array { out: self.out, first: true, variant: false })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Array<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Array<'a>, Unsupported> {
        self.out.push('{');
        string(variant, self.out);
        self.out.push_str(":[");
        Ok(Array { out: self.out, first: true, variant: true })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, Unsupported> {
        Ok(Object::new(self.out, None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, Unsupported> {
        Ok(Object::new(self.out, None))
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Object<'a>, Unsupported> {
        Ok(Object::new(self.out, Some(variant)))
    }
}

/// An array's element or field: one impl per serde trait, all the same.
macro_rules! array_impl {
    ($($trait:ident $method:ident),*) => {$(
        impl serde::ser::$trait for Array<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
                self.element(v)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.finish()
            }
        }
    )*};
}

array_impl!(SerializeSeq serialize_element, SerializeTuple serialize_element, SerializeTupleStruct serialize_field, SerializeTupleVariant serialize_field);

impl serde::ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        // The key exactly as serde_json makes a map key of it (strings;
        // integers, characters, booleans written as strings; anything else
        // refused), through a map of one entry; a refusal goes the long way,
        // which refuses it the same.
        struct OneKey<'k, K: ?Sized>(&'k K);
        impl<K: serde::Serialize + ?Sized> serde::Serialize for OneKey<'_, K> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(self.0, &())?;
                m.end()
            }
        }
        let Ok(Value::Object(one)) = serde_json::to_value(OneKey(key)) else {
            return Err(Unsupported);
        };
        self.key = Some(one.into_iter().next().map(|(k, _)| k).ok_or(Unsupported)?);
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        let key = self.key.take().ok_or(Unsupported)?;
        self.member(std::borrow::Cow::Owned(key), v)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.finish()
    }
}

/// A struct's fields, plain or of a variant.
macro_rules! struct_impl {
    ($($trait:ident),*) => {$(
        impl serde::ser::$trait for Object<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn serialize_field<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), Unsupported> {
                self.member(std::borrow::Cow::Borrowed(key), v)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.finish()
            }
        }
    )*};
}

struct_impl!(SerializeStruct, SerializeStructVariant);

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

    /// The direct writer gives the text the Value route gives, for every
    /// shape serde has (structs out of order, maps with integer keys,
    /// options, enums of each kind, nesting), and falls back for floats.
    #[test]
    fn direct_writer_equals_the_value_route() {
        use serde::Serialize;
        use std::collections::BTreeMap;
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { z: bool, a: Option<i64> },
        }
        #[derive(Serialize)]
        #[serde(untagged)]
        enum U {
            S(String),
            N { b: u8, a: u8 },
        }
        #[derive(Serialize)]
        struct Inner(u32);
        #[derive(Serialize)]
        struct S {
            zeta: String,
            alpha: Vec<E>,
            #[serde(rename = "Beta")]
            beta: BTreeMap<u32, Inner>,
            #[serde(skip_serializing_if = "Option::is_none")]
            gone: Option<u8>,
            none: Option<u8>,
            u: Vec<U>,
            chars: (char, i8),
            unit: (),
            bytes: &'static [u8],
            text: BTreeMap<String, String>,
        }
        let s = S {
            zeta: "Nguyễn \"Văn\"\n".into(),
            alpha: vec![E::Unit, E::New(7), E::Tuple(1, "x".into()), E::Struct { z: true, a: Some(-3) }, E::Struct { z: false, a: None }],
            beta: [(10, Inner(1)), (2, Inner(2))].into_iter().collect(),
            gone: None,
            none: None,
            u: vec![U::S("đ".into()), U::N { b: 2, a: 1 }],
            chars: ('Ễ', -8),
            unit: (),
            bytes: &[0, 255],
            text: [("b".to_owned(), String::new()), ("a".to_owned(), "\u{1}".to_owned())].into_iter().collect(),
        };
        let want = canonical_json(&serde_json::to_value(&s).unwrap_or_default());
        assert_eq!(super::to_canonical(&s).ok(), Some(want));
        #[derive(Serialize)]
        struct F {
            b: f64,
            a: u8,
        }
        // A key serde_json refuses is refused the same way.
        let odd: BTreeMap<Option<String>, u8> = [(Some("a".to_owned()), 1)].into_iter().collect();
        assert!(serde_json::to_value(&odd).is_err());
        assert!(super::to_canonical(&odd).is_err());
        let keys: BTreeMap<char, u8> = [('b', 2), ('a', 1)].into_iter().collect();
        assert_eq!(super::to_canonical(&keys).ok(), Some(canonical_json(&serde_json::to_value(&keys).unwrap_or_default())));
        let f = F { b: 1.5, a: 1 };
        assert_eq!(super::to_canonical(&f).ok().as_deref(), Some(r#"{"a":1,"b":1.5}"#));
    }
}
