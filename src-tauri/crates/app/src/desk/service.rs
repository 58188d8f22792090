//! Đồng bộ giữa các bàn qua mạng nội bộ: the listener, the dialler, the
//! discovery beacon and one session per connected desk — plain threads (at
//! most a handful of peers), no async runtime.
//!
//! One **engine** thread owns its own connection to the database: it
//! merges what sessions receive ([`App::desk_merge_events`], the same code
//! as the USB path), records peers' contact and refusals, and notices this
//! desk's own check-ins committed by other connections (the app's window,
//! the CLI) through `PRAGMA data_version`, within 25 ms. Sessions send
//! every event a peer lacks from an in-memory mirror of the log, as soon
//! as it changes.
//!
//! What listens: TCP on the chosen address, or port 47153 of each local
//! network address of this machine (never a public one, never loopback
//! unless chosen); UDP port 47154 for the discovery beacon on those
//! interfaces. Nothing listens while multi-desk is off. Connections are
//! made only to desks of the group, at local-network addresses.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use tobaucu_core::desk::{DeskId, Event, Log, Offer};
use tobaucu_desk::cert::Cert;
use tobaucu_desk::proto::{Msg, BATCH};
use tobaucu_desk::{lan, wire};
use tobaucu_store::{CountRead, DeskRead, DeskRefusalRow, Read, Tx};

use super::{audit, event_of, PAIRING_TRIES};
use crate::{clock, App, Error, Result};
use tobaucu_ipc::ErrorCode;

/// What the service tells whoever started it (the CLI prints it; the app
/// refreshes its screens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    Listening(Vec<SocketAddr>),
    Connected { desk: DeskId, name: String, addr: String },
    Lost { desk: DeskId, name: String },
    Merged { desk: DeskId, added: usize, anomalies: usize },
    Refused { addr: String, code: String, detail: String },
    Paired { desk: DeskId, name: String },
    Problem(String),
}

/// The engine's answer to a batch received: what this desk now holds and
/// whether a gap remains, or the refusal (code, message).
type MergeReply = std::result::Result<(BTreeMap<DeskId, u64>, bool), (String, String)>;

enum Cmd {
    Incoming { from: DeskId, events: Vec<Event>, reply: mpsc::Sender<MergeReply> },
    Hello { desk: DeskId, name: String, certs: Vec<Cert>, addrs: Vec<(DeskId, String)>, have: BTreeMap<DeskId, u64>, from: SocketAddr },
    Ack { have: BTreeMap<DeskId, u64> },
    Gone { desk: DeskId, name: String },
    Refused { addr: String, code: String, detail: String, desk: Option<DeskId> },
    PairCode { reply: mpsc::Sender<Option<String>> },
    PairFailed { addr: String },
    Pair { name: String, sign_key: String, noise_key: String, addr: String, reply: mpsc::Sender<std::result::Result<Value, String>> },
    Local,
}

struct Conn {
    id: u64,
    dialer: DeskId,
    stream: TcpStream,
}

struct Shared {
    stop: AtomicBool,
    me: Cert,
    noise_secret: [u8; 32],
    main: bool,
    log: Mutex<Log>,
    changed: Condvar,
    version: AtomicU64,
    certs: Mutex<BTreeMap<DeskId, Cert>>,
    conns: Mutex<BTreeMap<DeskId, Conn>>,
    next_conn: AtomicU64,
    /// Where desks listen (learnt from hellos, beacons, the database).
    addrs: Mutex<BTreeMap<DeskId, BTreeSet<SocketAddr>>>,
    /// Addresses to dial whatever desk is there (configured).
    extra: Vec<SocketAddr>,
    ours: Vec<SocketAddr>,
    engine: Mutex<mpsc::Sender<Cmd>>,
    notes: Mutex<Box<dyn FnMut(Note) + Send>>,
}

impl Shared {
    fn note(&self, n: Note) {
        if let Ok(mut f) = self.notes.lock() {
            f(n);
        }
    }

    fn send(&self, c: Cmd) {
        if let Ok(tx) = self.engine.lock() {
            let _ = tx.send(c);
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn bump(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_all();
    }
}

/// A running sync service.
pub struct Service {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    listening: Vec<SocketAddr>,
    _lock: std::fs::File,
}

/// Where to listen and whom to dial, from the database's settings
/// (`desk_self.listen`, `.peers`) unless given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub listen: Option<String>,
    pub peers: Option<String>,
}

pub(crate) fn parse_addrs(s: &str) -> std::result::Result<Vec<SocketAddr>, String> {
    s.split([' ', ',', ';'])
        .filter(|x| !x.trim().is_empty())
        .map(|x| {
            let x = x.trim();
            let a: SocketAddr =
                x.parse().or_else(|_| x.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, lan::SYNC_PORT))).map_err(|_| format!("địa chỉ \"{x}\" không hợp lệ (dạng 192.168.1.10:47153)"))?;
            if !lan::is_local(a.ip()) {
                return Err(format!("địa chỉ {a} không thuộc mạng nội bộ (chỉ 10.x, 172.16–31.x, 192.168.x, 169.254.x hoặc 127.x); nhiều bàn không dùng Internet"));
            }
            Ok(a)
        })
        .collect()
}

impl Service {
    /// Starts the service for the database at `db`. Refused when this
    /// database is not in a group, or another process already syncs it.
    pub fn start(db: &Path, opts: Options, notes: Box<dyn FnMut(Note) + Send>) -> Result<Service> {
        let lock_path = tobaucu_store::sidefiles::beside(db, tobaucu_store::sidefiles::Side::DeskLock);
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| Error::io(&lock_path, &e))?;
        if lock.try_lock().is_err() {
            return Err(Error::refused(
                ErrorCode::DeskServiceRunning,
                format!("tệp dữ liệu {} đã được đồng bộ bởi một chương trình khác trên máy này (cửa sổ ứng dụng hoặc \"tobaucu desk serve\")", db.display()),
            ));
        }
        let mut app = App::open(db)?;
        app.desk_ctx()?.ok_or_else(|| Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào; hãy làm gói bàn (máy chính) hoặc nhận gói bàn (máy bàn) trước"))?;
        let row = app.store.desk_self()?.ok_or_else(|| Error::Internal("desk_self".into()))?;
        let (me, noise_secret, main) = {
            let c = app.desk_ctx()?.ok_or_else(|| Error::Internal("desk".into()))?;
            (c.cert.clone(), c.keys.noise_secret, c.main)
        };
        let listen_s = opts.listen.unwrap_or(row.listen.clone());
        let peers_s = opts.peers.unwrap_or(row.peers.clone());
        let extra = parse_addrs(&peers_s).map_err(|m| Error::refused(ErrorCode::FieldInvalid, m))?;
        // Bind: the chosen address, or port 47153 of every local-network
        // address of this machine.
        let binds: Vec<SocketAddr> = if listen_s.trim().is_empty() {
            lan::local_ifaces().into_iter().map(|i| SocketAddr::new(IpAddr::V4(i.addr), lan::SYNC_PORT)).collect()
        } else {
            parse_addrs(&listen_s).map_err(|m| Error::refused(ErrorCode::FieldInvalid, m))?
        };
        if binds.is_empty() {
            return Err(Error::refused(ErrorCode::DeskNoNetwork, "máy này chưa nối mạng nội bộ nào (không có địa chỉ 10.x, 172.16–31.x, 192.168.x hay 169.254.x): hãy cắm dây vào bộ chia mạng hoặc bắt điểm phát wifi của máy chính; các bàn vẫn phát phiếu bình thường và hợp nhất sau (mạng hoặc USB)"));
        }
        let mut listeners = Vec::new();
        let mut ours = Vec::new();
        for b in &binds {
            match TcpListener::bind(b) {
                Ok(l) => {
                    l.set_nonblocking(true).map_err(|e| Error::Internal(e.to_string()))?;
                    ours.push(l.local_addr().unwrap_or(*b));
                    listeners.push(l);
                }
                Err(e) => return Err(Error::refused(ErrorCode::DeskListen, format!("không mở được cổng {b} để các bàn kết nối ({e}); có thể một chương trình khác đang dùng cổng này"))),
            }
        }
        // The log mirror, certificates, known addresses.
        let log = app.desk_log()?;
        let certs = app.desk_certs()?;
        let mut addrs: BTreeMap<DeskId, BTreeSet<SocketAddr>> = BTreeMap::new();
        for p in app.store.desk_peers()? {
            let d = u32::try_from(p.desk).unwrap_or(0);
            if d != me.desk {
                if let Ok(v) = parse_addrs(&p.addr) {
                    addrs.entry(d).or_default().extend(v);
                }
            }
        }
        let at = clock::stamp(app.now());
        let our_addr = ours.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ");
        app.store.write(|tx| {
            tx.set_desk_peer_contact(i64::from(me.desk), "never", None, None, Some(&our_addr))?;
            // Peers seen connected by a service that died are lost since.
            for p in tx.desk_peers()? {
                if p.status == "connected" && p.desk != i64::from(me.desk) {
                    tx.set_desk_peer_contact(p.desk, "lost", Some(&at), None, None)?;
                }
            }
            tx.append_audit(&audit(&at, "desk.listen", format!("bàn {} — {}", me.desk, me.name), "", serde_json::json!({"listen": our_addr, "dial": peers_s})))?;
            Ok::<_, Error>(())
        })?;
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            me: me.clone(),
            noise_secret,
            main,
            log: Mutex::new(log),
            changed: Condvar::new(),
            version: AtomicU64::new(0),
            certs: Mutex::new(certs),
            conns: Mutex::new(BTreeMap::new()),
            next_conn: AtomicU64::new(1),
            addrs: Mutex::new(addrs),
            extra,
            ours: ours.clone(),
            engine: Mutex::new(tx),
            notes: Mutex::new(notes),
        });
        shared.note(Note::Listening(ours.clone()));
        let mut threads = Vec::new();
        let db_path: PathBuf = db.to_path_buf();
        {
            let s = shared.clone();
            threads.push(std::thread::Builder::new().name("ban-dong-bo".into()).spawn(move || engine(app, s, rx, db_path)).map_err(|e| Error::Internal(e.to_string()))?);
        }
        for l in listeners {
            let s = shared.clone();
            threads.push(std::thread::Builder::new().name("ban-nghe".into()).spawn(move || listen(l, s)).map_err(|e| Error::Internal(e.to_string()))?);
        }
        {
            let s = shared.clone();
            threads.push(std::thread::Builder::new().name("ban-goi".into()).spawn(move || dial(s)).map_err(|e| Error::Internal(e.to_string()))?);
        }
        let ifaces: Vec<lan::Iface> = lan::local_ifaces().into_iter().filter(|i| ours.iter().any(|o| o.ip() == IpAddr::V4(i.addr))).collect();
        if !ifaces.is_empty() {
            let s = shared.clone();
            let port = ours.first().map_or(lan::SYNC_PORT, SocketAddr::port);
            threads.push(std::thread::Builder::new().name("ban-bao".into()).spawn(move || beacon(s, ifaces, port)).map_err(|e| Error::Internal(e.to_string()))?);
        }
        Ok(Service { shared, threads, listening: ours, _lock: lock })
    }

    /// Where the service listens.
    pub fn listening(&self) -> &[SocketAddr] {
        &self.listening
    }

    /// A check-in was committed by this process: send it now.
    pub fn notify(&self) {
        self.shared.send(Cmd::Local);
    }

    /// Stops every thread and closes every connection.
    pub fn stop(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Ok(conns) = self.shared.conns.lock() {
            for c in conns.values() {
                let _ = c.stream.shutdown(std::net::Shutdown::Both);
            }
        }
        self.shared.bump();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Runs until the process is stopped (`tobaucu desk serve`).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn engine(mut app: App, s: Arc<Shared>, rx: mpsc::Receiver<Cmd>, _db: PathBuf) {
    let mut data_version = app.store.data_version().unwrap_or(-1);
    // A check-in committed between loading the mirror (in `start`) and
    // reading the mark above moves no later mark: pull once now.
    if let Err(e) = pull_local(&app, &s) {
        s.note(Note::Problem(e.to_string()));
    }
    let mut last_seen_write = Instant::now();
    let mut refusals: BTreeMap<(String, String), Instant> = BTreeMap::new();
    let mut acked: BTreeMap<DeskId, u64> = BTreeMap::new();
    while !s.stopped() {
        let first = match rx.recv_timeout(Duration::from_millis(25)) {
            Ok(c) => Some(c),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut cmds: Vec<Cmd> = first.into_iter().collect();
        while let Ok(c) = rx.try_recv() {
            cmds.push(c);
        }
        for c in cmds {
            // What peers acknowledge holding only feeds the "may hold
            // unmerged" warning: kept in memory and written with the
            // 2-second contact update, so a check-in's commit does not
            // queue behind one write per acknowledgement.
            if let Cmd::Ack { have } = c {
                for (d, n) in have {
                    let k = acked.entry(d).or_insert(0);
                    *k = (*k).max(n);
                }
                continue;
            }
            // A hello judges a hold against what is known: acknowledged
            // counts first.
            if matches!(c, Cmd::Hello { .. }) && !acked.is_empty() && app.store.write(|tx| write_known(tx, &acked)).is_ok() {
                acked.clear();
            }
            if let Err(e) = handle(&mut app, &s, c, &mut refusals) {
                s.note(Note::Problem(e.to_string()));
            }
        }
        // This desk's own events committed by another connection.
        let dv = app.store.data_version().unwrap_or(-1);
        if dv != data_version {
            data_version = dv;
            if let Err(e) = pull_local(&app, &s) {
                s.note(Note::Problem(e.to_string()));
            }
        }
        if last_seen_write.elapsed() >= Duration::from_secs(2) {
            last_seen_write = Instant::now();
            let connected: Vec<DeskId> = s.conns.lock().map(|c| c.keys().copied().collect()).unwrap_or_default();
            if !connected.is_empty() || !acked.is_empty() {
                let at = clock::stamp(app.now());
                let written = app.store.write(|tx| {
                    for d in &connected {
                        tx.set_desk_peer_contact(i64::from(*d), "connected", None, Some(&at), None)?;
                    }
                    write_known(tx, &acked)
                });
                // Kept for the next tick if the write failed.
                if written.is_ok() {
                    acked.clear();
                }
            }
        }
    }
    // Stopped: peers connected now are lost since now.
    let at = clock::stamp(app.now());
    let _ = app.store.write(|tx| {
        write_known(tx, &acked)?;
        for p in tx.desk_peers()? {
            if p.status == "connected" {
                tx.set_desk_peer_contact(p.desk, "lost", Some(&at), Some(&at), None)?;
            }
        }
        Ok::<_, Error>(())
    });
}

/// Raises what peers are known to hold (never lowers it). A count beyond
/// SQLite's integers is no count any desk can hold: ignored.
fn write_known(tx: &Tx<'_>, have: &BTreeMap<DeskId, u64>) -> Result<()> {
    for (d, n) in have {
        if let Ok(n) = i64::try_from(*n) {
            tx.raise_desk_known(i64::from(*d), n)?;
        }
    }
    Ok(())
}

/// Loads events committed by other connections into the mirror.
fn pull_local(app: &App, s: &Shared) -> Result<()> {
    let heads = app.store.desk_heads()?;
    let mut log = s.log.lock().map_err(|_| Error::Internal("khóa".into()))?;
    let mut changed = false;
    for (d, seq, _) in heads {
        let have = log.head(u32::try_from(d).unwrap_or(0)).0;
        if u64::try_from(seq).unwrap_or(0) > have {
            for r in app.store.desk_events_after(d, i64::try_from(have).unwrap_or(0))? {
                if matches!(log.offer(event_of(&r)?), Offer::Added) {
                    changed = true;
                }
            }
        }
    }
    drop(log);
    if changed {
        s.bump();
    }
    Ok(())
}

fn handle(app: &mut App, s: &Shared, c: Cmd, refusals: &mut BTreeMap<(String, String), Instant>) -> Result<()> {
    let at = clock::stamp(app.now());
    match c {
        Cmd::Local => pull_local(app, s)?,
        Cmd::Incoming { from, events, reply } => {
            let via = format!("mạng, từ bàn {from}");
            match app.desk_merge_events(events.clone(), from, None, &via) {
                Ok(m) => {
                    if m.added > 0 {
                        let mut log = s.log.lock().map_err(|_| Error::Internal("khóa".into()))?;
                        for e in events {
                            let _ = log.offer(e);
                        }
                        drop(log);
                        s.bump();
                        s.note(Note::Merged { desk: from, added: m.added, anomalies: m.anomalies });
                    }
                    let _ = reply.send(Ok((m.have, m.gaps > 0)));
                }
                Err(Error::Refused { code, message, .. }) => {
                    let _ = reply.send(Err((code.as_str().to_owned(), message)));
                }
                Err(e) => {
                    let _ = reply.send(Err((ErrorCode::DeskMerge.as_str().into(), e.to_string())));
                    return Err(e);
                }
            }
        }
        Cmd::Hello { desk, name, certs, addrs, have, from } => {
            let mine = s.me.clone();
            let listen_of_peer: Option<String> = addrs.iter().find(|(d, _)| *d == desk).map(|(_, a)| a.clone());
            {
                let mut known = s.addrs.lock().map_err(|_| Error::Internal("khóa".into()))?;
                for (d, a) in &addrs {
                    if *d != mine.desk {
                        if let Ok(v) = parse_addrs(a) {
                            known.entry(*d).or_default().extend(v);
                        }
                    }
                }
            }
            let new_certs: Vec<Cert> = {
                let mut cs = s.certs.lock().map_err(|_| Error::Internal("khóa".into()))?;
                let mut out = Vec::new();
                for c in certs {
                    if c.belongs(&mine) && cs.get(&c.desk) != Some(&c) && c.desk != mine.desk {
                        cs.insert(c.desk, c.clone());
                        out.push(c);
                    }
                }
                out
            };
            app.store.write(|tx| {
                for c in &new_certs {
                    tx.upsert_desk_peer(i64::from(c.desk), &c.name, &c.to_value().to_string())?;
                }
                tx.set_desk_peer_contact(i64::from(desk), "connected", Some(&at), Some(&at), listen_of_peer.as_deref().or(Some(&from.to_string())))?;
                write_known(tx, &have)?;
                // A desk put back from a backup that already holds all of
                // its own events this peer has is released here; one that
                // lacks some is released by the merge that brings them.
                super::release_hold(tx, mine.desk, desk, None, &at, &format!("bàn {desk}"))?;
                tx.append_audit(&audit(&at, "desk.connect", format!("bàn {desk} — {name}"), "", serde_json::json!({"desk": desk, "addr": from.to_string(), "have": have})))?;
                Ok::<_, Error>(())
            })?;
            s.note(Note::Connected { desk, name, addr: from.to_string() });
        }
        Cmd::Ack { have } => app.store.write(|tx| write_known(tx, &have))?,
        Cmd::Gone { desk, name } => {
            app.store.write(|tx| {
                tx.set_desk_peer_contact(i64::from(desk), "lost", Some(&at), Some(&at), None)?;
                Ok::<_, Error>(())
            })?;
            s.note(Note::Lost { desk, name });
        }
        Cmd::Refused { addr, code, detail, desk } => {
            // One record per machine and reason a minute (a refused peer
            // dials again every few seconds).
            let key = (addr.split(':').next().unwrap_or("").to_owned(), code.clone());
            if refusals.get(&key).is_some_and(|t| t.elapsed() < Duration::from_secs(60)) {
                return Ok(());
            }
            refusals.insert(key, Instant::now());
            app.store.write(|tx| {
                tx.insert_desk_refusal(&DeskRefusalRow { at: at.clone(), addr: addr.clone(), code: code.clone(), detail: detail.clone() })?;
                tx.append_audit(&audit(&at, "desk.refuse", format!("máy {addr}"), &detail, serde_json::json!({"code": code, "desk": desk})))?;
                Ok::<_, Error>(())
            })?;
            s.note(Note::Refused { addr, code, detail });
        }
        Cmd::PairCode { reply } => {
            let now = clock::stamp(app.now());
            let code = if s.main { app.store.desk_pairing()?.filter(|(_, exp, f)| exp.as_str() > now.as_str() && *f < PAIRING_TRIES).map(|(c, _, _)| c) } else { None };
            let _ = reply.send(code);
        }
        Cmd::PairFailed { addr } => {
            app.store.write(|tx| {
                tx.desk_pairing_failed()?;
                tx.insert_desk_refusal(&DeskRefusalRow { at: at.clone(), addr: addr.clone(), code: ErrorCode::PairingFailed.as_str().into(), detail: "mã ghép nối sai".into() })?;
                tx.append_audit(&audit(&at, "desk.refuse", format!("máy {addr}"), "mã ghép nối sai", serde_json::json!({"code": "PAIRING_FAILED"})))?;
                Ok::<_, Error>(())
            })?;
            s.note(Note::Refused { addr, code: ErrorCode::PairingFailed.as_str().into(), detail: "mã ghép nối sai".into() });
        }
        Cmd::Pair { name, sign_key, noise_key, addr, reply } => {
            let r = (|| -> Result<Value> {
                let cert = app.desk_issue(&name, &sign_key, &noise_key, &format!("mạng {addr}"))?;
                let body = app.desk_package_body(&cert)?;
                app.store.write(|tx| {
                    tx.clear_desk_pairing()?;
                    Ok::<_, Error>(())
                })?;
                s.certs.lock().map_err(|_| Error::Internal("khóa".into()))?.insert(cert.desk, cert.clone());
                s.note(Note::Paired { desk: cert.desk, name: cert.name.clone() });
                Ok(body)
            })();
            let _ = reply.send(r.map_err(|e| e.to_string()));
        }
    }
    Ok(())
}

fn listen(l: TcpListener, s: Arc<Shared>) {
    while !s.stopped() {
        match l.accept() {
            Ok((stream, from)) => {
                if !lan::is_local(from.ip()) {
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    continue;
                }
                let s2 = s.clone();
                let _ = std::thread::Builder::new().name("ban-phien".into()).spawn(move || accepted(stream, from, s2));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn accepted(mut stream: TcpStream, from: SocketAddr, s: Arc<Shared>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    match wire::accept_mode(&mut stream) {
        Ok(wire::Mode::Sync) => {
            if let Ok(ch) = wire::accept_sync(stream, &s.noise_secret) {
                session(ch, false, from, &s);
            } else {
                s.send(Cmd::Refused {
                    addr: from.to_string(),
                    code: ErrorCode::Handshake.as_str().into(),
                    detail: "kết nối mã hóa không thành (không phải bàn của Tổ Bầu Cử, hoặc bản tin bị sửa)".into(),
                    desk: None,
                });
            }
        }
        Ok(wire::Mode::Pair) => pair(stream, from, &s),
        Err(_) => {}
    }
}

fn pair(stream: TcpStream, from: SocketAddr, s: &Shared) {
    let (tx, rx) = mpsc::channel();
    s.send(Cmd::PairCode { reply: tx });
    let Ok(Some(code)) = rx.recv_timeout(Duration::from_secs(5)) else {
        let _ = stream.shutdown(std::net::Shutdown::Both);
        return;
    };
    let mut ch = match wire::accept_pair(stream, &code, &s.noise_secret) {
        Ok(ch) => ch,
        Err(_) => {
            s.send(Cmd::PairFailed { addr: from.to_string() });
            return;
        }
    };
    let Ok(Ok(Msg::Pair { name, sign_key, noise_key })) = ch.recv().map(|b| Msg::from_bytes(&b)) else { return };
    let (tx, rx) = mpsc::channel();
    s.send(Cmd::Pair { name, sign_key, noise_key, addr: from.to_string(), reply: tx });
    let reply = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(package)) => Msg::Package { package },
        Ok(Err(message)) => Msg::Refuse { code: ErrorCode::PairRefused.as_str().into(), message },
        Err(_) => Msg::Refuse { code: ErrorCode::PairRefused.as_str().into(), message: "máy chính không trả lời".into() },
    };
    let _ = ch.send(&reply.to_bytes());
}

fn dial(s: Arc<Shared>) {
    let mut next_try: BTreeMap<SocketAddr, (Instant, u32)> = BTreeMap::new();
    while !s.stopped() {
        let connected: BTreeSet<DeskId> = s.conns.lock().map(|c| c.keys().copied().collect()).unwrap_or_default();
        let known = s.addrs.lock().map(|a| a.clone()).unwrap_or_default();
        let mut targets: Vec<SocketAddr> = known.iter().filter(|(d, _)| !connected.contains(d) && **d != s.me.desk).flat_map(|(_, a)| a.iter().copied()).collect();
        // Configured addresses whose desk is not known to be connected.
        for a in &s.extra {
            let desk_there = known.iter().find(|(_, set)| set.contains(a)).map(|(d, _)| *d);
            if desk_there.is_none_or(|d| !connected.contains(&d)) && !targets.contains(a) {
                targets.push(*a);
            }
        }
        for a in targets {
            if s.ours.contains(&a) || !lan::is_local(a.ip()) || s.stopped() {
                continue;
            }
            if next_try.get(&a).is_some_and(|(t, _)| Instant::now() < *t) {
                continue;
            }
            match TcpStream::connect_timeout(&a, Duration::from_millis(700)) {
                Ok(stream) => {
                    next_try.insert(a, (Instant::now() + Duration::from_millis(500), 0));
                    let s2 = s.clone();
                    let _ = std::thread::Builder::new().name("ban-phien".into()).spawn(move || {
                        // A failed handshake here is a peer switched off
                        // or restarting: tried again shortly.
                        if let Ok(ch) = wire::connect_sync(stream, &s2.noise_secret) {
                            session(ch, true, a, &s2);
                        }
                    });
                }
                Err(_) => {
                    let fails = next_try.get(&a).map_or(0, |x| x.1).saturating_add(1);
                    let wait = Duration::from_millis(250u64.saturating_mul(1 << fails.min(4)).min(3000));
                    next_try.insert(a, (Instant::now() + wait, fails));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn beacon(s: Arc<Shared>, ifaces: Vec<lan::Iface>, port: u16) {
    let sock = lan::beacon_socket();
    let send_sock = match &sock {
        Some(x) => x.try_clone().ok(),
        None => std::net::UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, 0)).ok().and_then(|x| x.set_broadcast(true).ok().map(|_| x)),
    };
    let msg = lan::beacon(&s.me.group, s.me.desk, port);
    let mut last = Instant::now() - Duration::from_secs(10);
    let mut buf = [0u8; 64];
    while !s.stopped() {
        if last.elapsed() >= Duration::from_secs(2) {
            last = Instant::now();
            if let Some(x) = &send_sock {
                for i in &ifaces {
                    if let Some(b) = i.broadcast {
                        let _ = x.send_to(&msg, (b, lan::BEACON_PORT));
                    }
                }
            }
        }
        match &sock {
            Some(x) => {
                if let Ok((n, from)) = x.recv_from(&mut buf) {
                    if let Some((d, addr)) = buf.get(..n).and_then(|b| lan::read_beacon(&s.me.group, b, from)) {
                        if d != s.me.desk {
                            if let Ok(mut a) = s.addrs.lock() {
                                a.entry(d).or_default().insert(addr);
                            }
                        }
                    }
                }
            }
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// One connected peer: hello both ways, then events both ways until the
/// link, the peer or the service stops.
fn session(mut ch: wire::Channel, dialed: bool, from: SocketAddr, s: &Arc<Shared>) {
    let me = s.me.clone();
    let hello = {
        let have = s.log.lock().map(|l| l.version()).unwrap_or_default();
        let certs: Vec<Value> = s.certs.lock().map(|c| c.values().map(Cert::to_value).collect()).unwrap_or_default();
        let mut addrs: Vec<(DeskId, String)> = s.ours.iter().map(|a| (me.desk, a.to_string())).collect();
        if let Ok(known) = s.addrs.lock() {
            for (d, set) in known.iter() {
                addrs.extend(set.iter().map(|a| (*d, a.to_string())));
            }
        }
        Msg::Hello { cert: me.to_value(), certs, have, addrs }
    };
    if ch.send(&hello.to_bytes()).is_err() {
        return;
    }
    let peer = match ch.recv().map(|b| Msg::from_bytes(&b)) {
        Ok(Ok(Msg::Hello { cert, certs, have, addrs })) => {
            let cert = match Cert::from_value(&cert) {
                Ok(c) => c,
                Err(e) => {
                    refuse(&mut ch, s, from, "BAD_CREDENTIAL", &format!("chứng nhận bàn không đọc được: {e}"), None);
                    return;
                }
            };
            if let Err(m) = cert.judge(&me, &ch.remote) {
                refuse(&mut ch, s, from, m.code().as_str(), &m.vi(), Some(cert.desk));
                return;
            }
            if cert.desk == me.desk {
                refuse(
                    &mut ch,
                    s,
                    from,
                    ErrorCode::DuplicateDesk.as_str(),
                    &format!("máy kia cũng mang chứng nhận bàn số {} như máy này (một gói bàn dùng cho hai máy?); mỗi máy cần gói riêng", me.desk),
                    Some(cert.desk),
                );
                return;
            }
            let certs: Vec<Cert> = certs.iter().filter_map(|c| Cert::from_value(c).ok()).collect();
            (cert, certs, have, addrs)
        }
        Ok(Ok(Msg::Refuse { code, message })) => {
            s.send(Cmd::Refused { addr: from.to_string(), code: format!("REFUSED_BY_PEER_{code}"), detail: format!("máy {from} từ chối máy này: {message}"), desk: None });
            return;
        }
        Ok(Err(why)) => {
            s.send(Cmd::Refused { addr: from.to_string(), code: ErrorCode::BadEvent.as_str().into(), detail: format!("máy {from} gửi lời chào không đọc được: {why}"), desk: None });
            return;
        }
        _ => return,
    };
    let (cert, certs, have, addrs) = peer;
    // One connection per pair of desks: the one dialled by the lower
    // number stays.
    let dialer = if dialed { me.desk } else { cert.desk };
    let id = s.next_conn.fetch_add(1, Ordering::SeqCst);
    {
        let Ok(mut conns) = s.conns.lock() else { return };
        if let Some(old) = conns.get(&cert.desk) {
            if old.dialer <= dialer {
                ch.shutdown();
                return;
            }
            let _ = old.stream.shutdown(std::net::Shutdown::Both);
        }
        let Ok(stream) = ch_stream(&ch) else { return };
        conns.insert(cert.desk, Conn { id, dialer, stream });
    }
    s.send(Cmd::Hello { desk: cert.desk, name: cert.name.clone(), certs, addrs, have: have.clone(), from });
    let _ = ch.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok((mut tx, mut rx)) = ch.split() else { return };
    let done = Arc::new(AtomicBool::new(false));
    let outbox: Arc<Mutex<Vec<Msg>>> = Arc::new(Mutex::new(Vec::new()));
    let rewind: Arc<Mutex<Option<BTreeMap<DeskId, u64>>>> = Arc::new(Mutex::new(None));
    let reader = {
        let (s, done, outbox, rewind, peer_desk) = (s.clone(), done.clone(), outbox.clone(), rewind.clone(), cert.desk);
        std::thread::Builder::new().name("ban-doc".into()).spawn(move || {
            while !s.stopped() {
                let Ok(bytes) = rx.recv() else { break };
                match Msg::from_bytes(&bytes) {
                    Ok(Msg::Events { events }) => {
                        let parsed: std::result::Result<Vec<Event>, String> = events.iter().map(Event::from_value).collect();
                        let events = match parsed {
                            Ok(e) => e,
                            Err(why) => {
                                s.send(Cmd::Refused {
                                    addr: from.to_string(),
                                    code: ErrorCode::BadEvent.as_str().into(),
                                    detail: format!("bàn {peer_desk} gửi sự kiện không đọc được: {why}"),
                                    desk: Some(peer_desk),
                                });
                                break;
                            }
                        };
                        let (rtx, rrx) = mpsc::channel();
                        s.send(Cmd::Incoming { from: peer_desk, events, reply: rtx });
                        match rrx.recv() {
                            Ok(Ok((have, gap))) => {
                                if let Ok(mut o) = outbox.lock() {
                                    o.push(Msg::Ack { have });
                                }
                                let _ = gap;
                            }
                            Ok(Err((code, message))) => {
                                s.send(Cmd::Refused { addr: from.to_string(), code: code.clone(), detail: message.clone(), desk: Some(peer_desk) });
                                if let Ok(mut o) = outbox.lock() {
                                    o.push(Msg::Refuse { code, message });
                                }
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    Ok(Msg::Ack { have }) => {
                        s.send(Cmd::Ack { have: have.clone() });
                        if let Ok(mut r) = rewind.lock() {
                            *r = Some(have);
                        }
                    }
                    Ok(Msg::Ping {}) => {}
                    Ok(Msg::Refuse { code, message }) => {
                        s.send(Cmd::Refused { addr: from.to_string(), code: format!("REFUSED_BY_PEER_{code}"), detail: format!("bàn {peer_desk} từ chối: {message}"), desk: Some(peer_desk) });
                        break;
                    }
                    _ => {}
                }
            }
            done.store(true, Ordering::SeqCst);
            s.bump();
        })
    };
    // Writer: what the peer lacks, as soon as the log changes.
    let mut sent: BTreeMap<DeskId, u64> = have;
    let mut last_send = Instant::now();
    let mut seen_version = u64::MAX;
    while !s.stopped() && !done.load(Ordering::SeqCst) {
        let mut msgs: Vec<Msg> = outbox.lock().map(|mut o| std::mem::take(&mut *o)).unwrap_or_default();
        if let Some(h) = rewind.lock().ok().and_then(|mut r| r.take()) {
            // The peer holds less than sent (it lost a batch, or merged
            // from elsewhere): never below what it says, never above.
            for (d, n) in h {
                let e = sent.entry(d).or_insert(0);
                *e = (*e).max(n);
            }
        }
        let v = s.version.load(Ordering::SeqCst);
        if v != seen_version {
            if let Ok(log) = s.log.lock() {
                let batch: Vec<&Event> = log.since(&sent).take(BATCH).collect();
                let evs: Vec<Value> = batch.iter().map(|e| e.to_value()).collect();
                let ids: Vec<(DeskId, u64)> = batch.iter().map(|e| (e.id.desk, e.id.seq)).collect();
                let more = evs.len() == BATCH;
                for (d, q) in ids {
                    let x = sent.entry(d).or_insert(0);
                    *x = (*x).max(q);
                }
                if !evs.is_empty() {
                    msgs.push(Msg::Events { events: evs });
                }
                if !more {
                    seen_version = v;
                }
            }
        }
        if msgs.is_empty() && last_send.elapsed() >= Duration::from_secs(1) {
            msgs.push(Msg::Ping {});
        }
        let mut failed = false;
        for m in &msgs {
            if tx.send(&m.to_bytes()).is_err() {
                failed = true;
                break;
            }
            last_send = Instant::now();
        }
        if failed || msgs.iter().any(|m| matches!(m, Msg::Refuse { .. })) {
            break;
        }
        if seen_version == s.version.load(Ordering::SeqCst) && outbox.lock().map(|o| o.is_empty()).unwrap_or(true) {
            let g = s.log.lock();
            if let Ok(g) = g {
                let _ = s.changed.wait_timeout(g, Duration::from_millis(50));
            }
        }
    }
    tx.shutdown();
    if let Ok(r) = reader {
        let _ = r.join();
    }
    let mine = s.conns.lock().map(|mut c| {
        if c.get(&cert.desk).is_some_and(|x| x.id == id) {
            c.remove(&cert.desk);
            true
        } else {
            false
        }
    });
    if mine.unwrap_or(false) {
        s.send(Cmd::Gone { desk: cert.desk, name: cert.name.clone() });
    }
}

fn ch_stream(ch: &wire::Channel) -> std::io::Result<TcpStream> {
    ch.try_clone_stream()
}

fn refuse(ch: &mut wire::Channel, s: &Shared, from: SocketAddr, code: &str, detail: &str, desk: Option<DeskId>) {
    let _ = ch.send(&Msg::Refuse { code: code.into(), message: detail.into() }.to_bytes());
    s.send(Cmd::Refused { addr: from.to_string(), code: code.into(), detail: detail.into(), desk });
    ch.shutdown();
}

impl App {
    /// `desk join --host ADDR --code CODE`: pairs with the main laptop over
    /// the local network and joins from the package it sends.
    pub fn desk_join_network(&mut self, host: &str, code: &str, name: &str) -> Result<tobaucu_ipc::desk::DeskJoinResult> {
        let addr = parse_addrs(host).map_err(|m| Error::refused(ErrorCode::FieldInvalid, m))?.into_iter().next().ok_or_else(|| Error::refused(ErrorCode::FieldInvalid, "thiếu địa chỉ máy chính"))?;
        let code = wire::normalize_code(code);
        if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::refused(ErrorCode::FieldInvalid, "mã ghép nối gồm 8 chữ số, như trên màn hình máy chính (ví dụ 4821-9930)"));
        }
        if self.store.unit()?.is_some() {
            return Err(Error::refused(ErrorCode::NotEmpty, format!("tệp dữ liệu {} đã có dữ liệu; máy bàn cần một tệp dữ liệu mới", self.db_path.display())));
        }
        let keys = tobaucu_desk::DeskKeys::generate().map_err(|e| Error::Internal(e.to_string()))?;
        let unreachable = |e: &dyn std::fmt::Display| {
            Error::refused(ErrorCode::DeskUnreachable, format!("không kết nối được máy chính {addr} ({e}); kiểm tra hai máy cùng mạng nội bộ và máy chính đang bật nhiều bàn"))
        };
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| unreachable(&e))?;
        let wrong = || Error::refused(ErrorCode::PairingFailed, "máy chính không nhận mã ghép nối này (sai mã, mã đã hết hạn hoặc đã dùng); hãy xem mã đang hiện trên màn hình máy chính và thử lại");
        let mut ch = wire::connect_pair(stream, &code, &keys.noise_secret).map_err(|_| wrong())?;
        let name = tobaucu_core::text::clean(name);
        ch.send(&Msg::Pair { name, sign_key: keys.sign_public_hex(), noise_key: keys.noise_public_hex() }.to_bytes()).map_err(|_| wrong())?;
        let reply = ch.recv().map_err(|_| wrong())?;
        let package = match Msg::from_bytes(&reply) {
            Ok(Msg::Package { package }) => package,
            Ok(Msg::Refuse { message, .. }) => return Err(Error::refused(ErrorCode::PairingFailed, format!("máy chính từ chối: {message}"))),
            _ => return Err(wrong()),
        };
        let main_noise = ch.remote;
        // The main laptop is the one we paired with: its key must be the
        // one its certificate in the package names (checked before anything
        // is stored), and it listens where we reached it.
        let main_cert = package.get("certs").and_then(Value::as_array).into_iter().flatten().filter_map(|c| Cert::from_value(c).ok()).find(|c| c.desk == tobaucu_core::desk::MAIN_DESK);
        if main_cert.and_then(|c| tobaucu_desk::unhex::<32>(&c.noise_key)) != Some(main_noise) {
            return Err(Error::refused(ErrorCode::BadCredential, "máy trả lời không phải máy chính ghi trong gói; không có gì được thay đổi"));
        }
        let r = self.desk_join_package(&package, keys, &format!("mạng, máy chính {addr}"))?;
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.set_desk_peer_contact(i64::from(tobaucu_core::desk::MAIN_DESK), "never", None, None, Some(&addr.to_string()))?;
            tx.append_audit(&audit(&at, "desk.pair", format!("máy chính {addr}"), "", serde_json::json!({"addr": addr.to_string()})))?;
            Ok::<_, Error>(())
        })?;
        Ok(r)
    }
}
