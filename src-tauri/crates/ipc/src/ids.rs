//! The ids that are easy to confuse, each its own type: an area's id, a
//! level's code, a voter's card number, a batch of ballots. On the wire
//! (JSON, TypeScript) each is the plain string or number it always was
//! an area id is expected.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! text_id {
    ($(#[$m:meta])* $t:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
        pub struct $t(pub String);

        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl From<String> for $t {
            fn from(s: String) -> Self {
                $t(s)
            }
        }
        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                $t(s.to_owned())
            }
        }
        impl From<&String> for $t {
            fn from(s: &String) -> Self {
                $t(s.clone())
            }
        }
        impl From<$t> for String {
            fn from(s: $t) -> String {
                s.0
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, o: &str) -> bool {
                self.0 == o
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, o: &&str) -> bool {
                self.0 == *o
            }
        }
        impl PartialEq<String> for $t {
            fn eq(&self, o: &String) -> bool {
                &self.0 == o
            }
        }
        impl PartialEq<$t> for String {
            fn eq(&self, o: &$t) -> bool {
                self == &o.0
            }
        }
        impl PartialEq<$t> for &str {
            fn eq(&self, o: &$t) -> bool {
                *self == o.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! number_id {
    ($(#[$m:meta])* $t:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
        pub struct $t(pub u32);

        impl $t {
            pub fn get(self) -> u32 {
                self.0
            }
        }
        impl From<u32> for $t {
            fn from(n: u32) -> Self {
                $t(n)
            }
        }
        impl From<$t> for u32 {
            fn from(n: $t) -> u32 {
                n.0
            }
        }
        impl From<$t> for i64 {
            fn from(n: $t) -> i64 {
                i64::from(n.0)
            }
        }
        impl PartialEq<u32> for $t {
            fn eq(&self, o: &u32) -> bool {
                self.0 == *o
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

text_id!(
    /// Mã khu vực bỏ phiếu: a polling area's id in the election definition
    /// ("X0412-KV01").
    AreaId
);
text_id!(
    /// Mã cấp bầu cử: a level's code ("QH", "T", "XA"; a later round
    /// counted under "XA.v2").
    LevelCode
);
number_id!(
    /// Số thẻ cử tri: the voter's card number, which is the STT of the
    /// posted list.
    CardNumber
);
number_id!(
    /// Số lô phiếu: a batch of ballots entered together at the counting desk.
    BatchId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cross_the_wire_as_the_plain_values() {
        assert_eq!(serde_json::to_string(&LevelCode::from("QH")).unwrap_or_default(), "\"QH\"");
        assert_eq!(serde_json::to_string(&CardNumber(12)).unwrap_or_default(), "12");
        let a: AreaId = serde_json::from_str("\"X0412-KV01\"").unwrap_or_default();
        assert_eq!(a, "X0412-KV01");
        assert_eq!(AreaId::decl(&ts_rs::Config::new()), "type AreaId = string;");
        assert_eq!(BatchId::decl(&ts_rs::Config::new()), "type BatchId = number;");
    }
}
