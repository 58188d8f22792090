//! The messages of a session between two desks (JSON inside the Noise
//! channel of [`crate::wire`]).
//!
//! Sync: each side sends `hello` (its certificate, the certificates it
//! knows, how many events of each desk it holds, addresses where desks
//! listen); a side that does not accept the other sends `refuse` and
//! closes. Then each sends the events the other lacks (`events`), answers
//! each batch it has durably merged with `ack` (what it now holds), and
//! sends `ping` every second; silence for five seconds ends the session.
//!
//! Pairing: the new desk sends `pair` (its name and public keys); the main
//! laptop answers `package` (the desk's certificate and everything a desk
//! package holds, without secret keys) or `refuse`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tobaucu_core::desk::DeskId;

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case", deny_unknown_fields)]
pub enum Msg {
    Hello {
        cert: Value,
        certs: Vec<Value>,
        #[serde(with = "pairs")]
        have: BTreeMap<DeskId, u64>,
        /// Where desks listen: (desk, "ip:port").
        addrs: Vec<(DeskId, String)>,
    },
    Refuse {
        code: String,
        message: String,
    },
    Events {
        events: Vec<Value>,
    },
    Ack {
        #[serde(with = "pairs")]
        have: BTreeMap<DeskId, u64>,
    },
    Ping {},
    Pair {
        name: String,
        sign_key: String,
        noise_key: String,
    },
    Package {
        package: Value,
    },
}

impl Msg {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(b: &[u8]) -> Result<Msg, String> {
        serde_json::from_slice(b).map_err(|e| format!("bản tin không đọc được ({e})"))
    }
}

/// A desk → count map on the wire as `[[desk, count], …]`: an internally
/// tagged enum buffers its fields, and a buffered JSON object's keys are
/// strings that no longer read back as numbers.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use tobaucu_core::desk::DeskId;

    pub fn serialize<S: Serializer>(m: &BTreeMap<DeskId, u64>, s: S) -> Result<S::Ok, S::Error> {
        m.iter().map(|(d, n)| (*d, *n)).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<DeskId, u64>, D::Error> {
        let v: Vec<(DeskId, u64)> = Vec::deserialize(d)?;
        Ok(v.into_iter().collect())
    }
}

/// How many events go in one `events` message.
pub const BATCH: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;

    /// A session after the first check-in: `have` is not empty.
    #[test]
    fn hello_and_ack_with_counts_read_back() {
        let have: BTreeMap<DeskId, u64> = [(1, 3), (2, 17)].into_iter().collect();
        for m in [Msg::Hello { cert: Value::Null, certs: vec![], have: have.clone(), addrs: vec![(2, "127.0.0.1:47153".into())] }, Msg::Ack { have }] {
            assert_eq!(Msg::from_bytes(&m.to_bytes()), Ok(m));
        }
    }
}
