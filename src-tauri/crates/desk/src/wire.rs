//! Kết nối mã hóa giữa các bàn: Noise over TCP.
//!
//! A connection opens with a 6-byte preamble, `TBCD` ‖ version 1 ‖ mode
//! (`S` sync between desks that hold certificates, `P` pairing a new desk
//! by the code on the main laptop's screen). Then:
//!
//! * sync: `Noise_XX_25519_ChaChaPoly_BLAKE2s`, each side with its desk's
//!   static X25519 key; each side then proves who it is with its
//!   certificate ([`crate::cert`]), which must name that static key;
//! * pairing: SPAKE2 (Ed25519 group) with the code as the password, then
//!   `Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s` with SPAKE2's key as the
//!   pre-shared key: a wrong code fails the handshake, an eavesdropper
//!   learns nothing of the code, an active attacker gets one guess per
//!   connection (the main laptop allows a few, then a new code).
//!
//! Records on the wire: a 2-byte big-endian length and one Noise message
//! (at most 65,535 bytes). A message of the application is split into
//! records whose plaintext starts with a flag byte (1: more follows).
//! Nonces are counted on each side and never sent: a record replayed,
//! dropped, reordered or altered fails to decrypt and ends the connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use snow::{Builder, HandshakeState, StatelessTransportState};

use crate::{Error, Result};

const SYNC_PARAMS: &str = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
const PAIR_PARAMS: &str = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s";
const PROLOGUE: &[u8] = b"tobaucu-desk/1";
const MAX_RECORD: usize = 65_535;
const TAG: usize = 16;
/// The largest message a peer may send (a package with a list of 10,000
/// voters is well under this).
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;

/// What a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sync,
    Pair,
}

fn noise_err(e: snow::Error) -> Error {
    Error::Noise(e.to_string())
}

fn params(p: &str) -> Result<snow::params::NoiseParams> {
    p.parse().map_err(noise_err)
}

/// The X25519 public key of a secret key (snow's own X25519).
pub fn noise_public(secret: &[u8; 32]) -> Result<[u8; 32]> {
    use snow::resolvers::{CryptoResolver, DefaultResolver};
    let mut dh = DefaultResolver.resolve_dh(&snow::params::DHChoice::Curve25519).ok_or_else(|| Error::Noise("không có X25519".into()))?;
    dh.set(secret);
    dh.pubkey().try_into().map_err(|_| Error::Noise("khóa công khai có độ dài lạ".into()))
}

fn write_record(s: &mut TcpStream, rec: &[u8]) -> Result<()> {
    let len = u16::try_from(rec.len()).map_err(|_| Error::Format("bản ghi quá dài".into()))?;
    let mut buf = Vec::with_capacity(rec.len() + 2);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(rec);
    s.write_all(&buf)?;
    Ok(())
}

fn read_record(s: &mut TcpStream) -> Result<Vec<u8>> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len)?;
    let n = usize::from(u16::from_be_bytes(len));
    let mut buf = vec![0u8; n];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

fn handshake(stream: &mut TcpStream, mut hs: HandshakeState) -> Result<Channel> {
    let mut buf = vec![0u8; MAX_RECORD];
    let mut payload = vec![0u8; MAX_RECORD];
    while !hs.is_handshake_finished() {
        if hs.is_my_turn() {
            let n = hs.write_message(&[], &mut buf).map_err(noise_err)?;
            write_record(stream, buf.get(..n).unwrap_or_default())?;
        } else {
            let rec = read_record(stream)?;
            hs.read_message(&rec, &mut payload).map_err(noise_err)?;
        }
    }
    let remote: [u8; 32] = hs.get_remote_static().and_then(|r| r.try_into().ok()).ok_or_else(|| Error::Noise("bên kia không có khóa kết nối".into()))?;
    let state = hs.into_stateless_transport_mode().map_err(noise_err)?;
    Ok(Channel { stream: stream.try_clone()?, state: Arc::new(state), remote, send_nonce: 0, recv_nonce: 0 })
}

fn preamble(mode: Mode) -> [u8; 6] {
    [b'T', b'B', b'C', b'D', 1, if mode == Mode::Sync { b'S' } else { b'P' }]
}

/// Reads the preamble of an accepted connection.
pub fn accept_mode(stream: &mut TcpStream) -> Result<Mode> {
    let mut p = [0u8; 6];
    stream.read_exact(&mut p)?;
    match p {
        [b'T', b'B', b'C', b'D', 1, b'S'] => Ok(Mode::Sync),
        [b'T', b'B', b'C', b'D', 1, b'P'] => Ok(Mode::Pair),
        _ => Err(Error::Format("kết nối không phải của Tổ Bầu Cử (hoặc phiên bản khác)".into())),
    }
}

/// Sync, dialling side: the handshake with our static key.
pub fn connect_sync(mut stream: TcpStream, noise_secret: &[u8; 32]) -> Result<Channel> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    stream.write_all(&preamble(Mode::Sync))?;
    let hs = Builder::new(params(SYNC_PARAMS)?).prologue(PROLOGUE).map_err(noise_err)?.local_private_key(noise_secret).map_err(noise_err)?.build_initiator().map_err(noise_err)?;
    handshake(&mut stream, hs)
}

/// Sync, accepting side (after [`accept_mode`]).
pub fn accept_sync(mut stream: TcpStream, noise_secret: &[u8; 32]) -> Result<Channel> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    let hs = Builder::new(params(SYNC_PARAMS)?).prologue(PROLOGUE).map_err(noise_err)?.local_private_key(noise_secret).map_err(noise_err)?.build_responder().map_err(noise_err)?;
    handshake(&mut stream, hs)
}

const SPAKE_ID: &[u8] = b"tobaucu-desk-pairing/1";

fn spake_key(stream: &mut TcpStream, code: &str, dial: bool) -> Result<[u8; 32]> {
    use spake2::{Ed25519Group, Identity, Password, Spake2};
    let (state, outbound) = Spake2::<Ed25519Group>::start_symmetric(&Password::new(normalize_code(code).as_bytes()), &Identity::new(SPAKE_ID));
    let inbound = if dial {
        write_record(stream, &outbound)?;
        read_record(stream)?
    } else {
        let r = read_record(stream)?;
        write_record(stream, &outbound)?;
        r
    };
    let key = state.finish(&inbound).map_err(|e| Error::Noise(format!("ghép nối: {e:?}")))?;
    key.as_slice().try_into().map_err(|_| Error::Noise("ghép nối: khóa có độ dài lạ".into()))
}

/// The code as typed: digits only (spaces and dashes dropped).
pub fn normalize_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase()
}

/// Pairing, the new desk's side: SPAKE2 with `code`, then Noise with its
/// key. A wrong code ends in an error here or on the next read.
pub fn connect_pair(mut stream: TcpStream, code: &str, noise_secret: &[u8; 32]) -> Result<Channel> {
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_nodelay(true)?;
    stream.write_all(&preamble(Mode::Pair))?;
    let psk = spake_key(&mut stream, code, true)?;
    let hs = Builder::new(params(PAIR_PARAMS)?)
        .prologue(PROLOGUE)
        .map_err(noise_err)?
        .local_private_key(noise_secret)
        .map_err(noise_err)?
        .psk(3, &psk)
        .map_err(noise_err)?
        .build_initiator()
        .map_err(noise_err)?;
    handshake(&mut stream, hs)
}

/// Pairing, the main laptop's side (after [`accept_mode`]).
pub fn accept_pair(mut stream: TcpStream, code: &str, noise_secret: &[u8; 32]) -> Result<Channel> {
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_nodelay(true)?;
    let psk = spake_key(&mut stream, code, false)?;
    let hs = Builder::new(params(PAIR_PARAMS)?)
        .prologue(PROLOGUE)
        .map_err(noise_err)?
        .local_private_key(noise_secret)
        .map_err(noise_err)?
        .psk(3, &psk)
        .map_err(noise_err)?
        .build_responder()
        .map_err(noise_err)?;
    handshake(&mut stream, hs)
}

/// An established, encrypted connection.
pub struct Channel {
    stream: TcpStream,
    state: Arc<StatelessTransportState>,
    /// The peer's static Noise key (what its certificate must name).
    pub remote: [u8; 32],
    send_nonce: u64,
    recv_nonce: u64,
}

impl Channel {
    /// The peer's address.
    pub fn peer_addr(&self) -> Option<std::net::SocketAddr> {
        self.stream.peer_addr().ok()
    }

    /// Another handle on the socket (to shut it down from elsewhere).
    pub fn try_clone_stream(&self) -> std::io::Result<TcpStream> {
        self.stream.try_clone()
    }

    /// Sets how long a read waits (the liveness timeout of a sync).
    pub fn set_read_timeout(&self, t: Option<Duration>) -> Result<()> {
        self.stream.set_read_timeout(t)?;
        Ok(())
    }

    /// Splits into a sending and a receiving half (two threads).
    pub fn split(self) -> Result<(Sender, Receiver)> {
        Ok((Sender { stream: self.stream.try_clone()?, state: self.state.clone(), nonce: self.send_nonce }, Receiver { stream: self.stream, state: self.state, nonce: self.recv_nonce }))
    }

    pub fn send(&mut self, msg: &[u8]) -> Result<()> {
        self.send_nonce = send(&mut self.stream, &self.state, self.send_nonce, msg)?;
        Ok(())
    }

    pub fn recv(&mut self) -> Result<Vec<u8>> {
        let (m, n) = recv(&mut self.stream, &self.state, self.recv_nonce)?;
        self.recv_nonce = n;
        Ok(m)
    }

    /// Closes both directions.
    pub fn shutdown(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

fn send(stream: &mut TcpStream, state: &StatelessTransportState, mut nonce: u64, msg: &[u8]) -> Result<u64> {
    if msg.len() > MAX_MESSAGE {
        return Err(Error::Format("bản tin quá lớn".into()));
    }
    let chunk = MAX_RECORD - TAG - 1;
    let parts: Vec<&[u8]> = if msg.is_empty() { vec![&[][..]] } else { msg.chunks(chunk).collect() };
    let mut out = vec![0u8; MAX_RECORD];
    let mut plain = Vec::with_capacity(chunk + 1);
    let mut wire = Vec::with_capacity(msg.len() + parts.len() * (TAG + 3));
    for (i, p) in parts.iter().enumerate() {
        plain.clear();
        plain.push(u8::from(i + 1 < parts.len()));
        plain.extend_from_slice(p);
        let n = state.write_message(nonce, &plain, &mut out).map_err(noise_err)?;
        nonce += 1;
        let len = u16::try_from(n).map_err(|_| Error::Format("bản ghi quá dài".into()))?;
        wire.extend_from_slice(&len.to_be_bytes());
        wire.extend_from_slice(out.get(..n).unwrap_or_default());
    }
    stream.write_all(&wire)?;
    Ok(nonce)
}

fn recv(stream: &mut TcpStream, state: &StatelessTransportState, mut nonce: u64) -> Result<(Vec<u8>, u64)> {
    let mut msg = Vec::new();
    let mut plain = vec![0u8; MAX_RECORD];
    loop {
        let rec = read_record(stream)?;
        let n = state.read_message(nonce, &rec, &mut plain).map_err(|_| Error::Noise("bản tin bị sửa, lặp lại hoặc không đúng khóa".into()))?;
        nonce += 1;
        let (&more, body) = plain.get(..n).and_then(|p| p.split_first()).ok_or_else(|| Error::Format("bản ghi rỗng".into()))?;
        if msg.len() + body.len() > MAX_MESSAGE {
            return Err(Error::Format("bản tin quá lớn".into()));
        }
        msg.extend_from_slice(body);
        if more == 0 {
            return Ok((msg, nonce));
        }
    }
}

/// The sending half.
pub struct Sender {
    stream: TcpStream,
    state: Arc<StatelessTransportState>,
    nonce: u64,
}

impl Sender {
    pub fn send(&mut self, msg: &[u8]) -> Result<()> {
        self.nonce = send(&mut self.stream, &self.state, self.nonce, msg)?;
        Ok(())
    }

    pub fn shutdown(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }

    /// Tests: send with a nonce already used (what a replay looks like).
    #[cfg(test)]
    pub(crate) fn rewind(&mut self, nonce: u64) {
        self.nonce = nonce;
    }
}

/// The receiving half.
pub struct Receiver {
    stream: TcpStream,
    state: Arc<StatelessTransportState>,
    nonce: u64,
}

impl Receiver {
    pub fn recv(&mut self) -> Result<Vec<u8>> {
        let (m, n) = recv(&mut self.stream, &self.state, self.nonce)?;
        self.nonce = n;
        Ok(m)
    }
}
