//! Mạng nội bộ: which addresses count as the local network, where to
//! listen, and the discovery beacon.
//!
//! A desk listens only on the IPv4 addresses of its interfaces that are
//! private (10/8, 172.16/12, 192.168/16) or link-local (169.254/16) — a
//! cheap switch without a router, a laptop's hotspot — and on loopback
//! when told to (tests, two windows on one machine); it dials and accepts
//! only such addresses. It never listens on or dials a public address.
//!
//! Discovery: every two seconds a desk sends one UDP datagram to the
//! broadcast address of each interface it listens on (never on loopback),
//! port [`BEACON_PORT`]: `TBCB` ‖ 1 ‖ the group's tag (8 bytes of
//! SHA-256 of the group id) ‖ desk number (4 bytes) ‖ TCP port (2 bytes).
//! It carries no name, no team, no voter: a desk of another group ignores
//! it, a desk of this group dials the sender, and the dial is then
//! authenticated like any other.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use sha2::{Digest, Sha256};
use tobaucu_core::desk::DeskId;

/// The TCP port desks listen on by default.
pub const SYNC_PORT: u16 = 47153;
/// The UDP port of the discovery beacon.
pub const BEACON_PORT: u16 = 47154;

/// Whether `ip` is on a local network: private, link-local or loopback
/// (IPv6: unique-local, link-local, loopback).
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => v.is_private() || v.is_link_local() || v.is_loopback(),
        IpAddr::V6(v) => v.is_loopback() || (v.segments()[0] & 0xfe00) == 0xfc00 || (v.segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// An IPv4 interface address and its broadcast address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iface {
    pub addr: Ipv4Addr,
    pub broadcast: Option<Ipv4Addr>,
}

/// The machine's IPv4 addresses on a local network (loopback excluded).
#[cfg(unix)]
pub fn local_ifaces() -> Vec<Iface> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below; we only
    // read fields of entries whose address family is AF_INET.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return out;
        }
        let mut p = head;
        while !p.is_null() {
            let ifa = &*p;
            let up = ifa.ifa_flags & (libc::IFF_UP as libc::c_uint) != 0;
            if up && !ifa.ifa_addr.is_null() && i32::from((*ifa.ifa_addr).sa_family) == libc::AF_INET {
                let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                let addr = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                let bcast = if ifa.ifa_flags & (libc::IFF_BROADCAST as libc::c_uint) != 0 && !ifa.ifa_ifu.is_null() {
                    let b = &*(ifa.ifa_ifu as *const libc::sockaddr_in);
                    Some(Ipv4Addr::from(u32::from_be(b.sin_addr.s_addr)))
                } else {
                    None
                };
                if !addr.is_loopback() && is_local(IpAddr::V4(addr)) {
                    out.push(Iface { addr, broadcast: bcast });
                }
            }
            p = ifa.ifa_next;
        }
        libc::freeifaddrs(head);
    }
    out
}

#[cfg(not(unix))]
pub fn local_ifaces() -> Vec<Iface> {
    Vec::new()
}

/// The group's tag in a beacon.
pub fn group_tag(group: &str) -> [u8; 8] {
    let d = Sha256::digest(group.as_bytes());
    let mut t = [0u8; 8];
    t.copy_from_slice(&d[..8]);
    t
}

/// A beacon's bytes.
pub fn beacon(group: &str, desk: DeskId, port: u16) -> Vec<u8> {
    let mut b = b"TBCB\x01".to_vec();
    b.extend_from_slice(&group_tag(group));
    b.extend_from_slice(&desk.to_be_bytes());
    b.extend_from_slice(&port.to_be_bytes());
    b
}

/// Reads a beacon of our group: the desk and its TCP address.
pub fn read_beacon(group: &str, bytes: &[u8], from: SocketAddr) -> Option<(DeskId, SocketAddr)> {
    if bytes.len() != 19 || !bytes.starts_with(b"TBCB\x01") || bytes.get(5..13)? != group_tag(group) || !is_local(from.ip()) {
        return None;
    }
    let desk = u32::from_be_bytes(bytes.get(13..17)?.try_into().ok()?);
    let port = u16::from_be_bytes(bytes.get(17..19)?.try_into().ok()?);
    Some((desk, SocketAddr::new(from.ip(), port)))
}

/// A socket to send and receive beacons on (broadcast allowed), bound to
/// the beacon port of every interface; `None` when the port is taken.
pub fn beacon_socket() -> Option<UdpSocket> {
    let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, BEACON_PORT)).ok()?;
    s.set_broadcast(true).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_millis(200))).ok()?;
    Some(s)
}
