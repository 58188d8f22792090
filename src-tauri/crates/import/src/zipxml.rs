//! Zip archives (.xlsx, .ods) opened with bounds, and their XML parts read
//! as a stream.
//!
//! Bounds, each checked before the library that would trust the number:
//! - the end-of-central-directory record says how many entries the archive
//!   has; we refuse a count that could not fit in the file (46 bytes per
//!   entry at least) before the `zip` crate reads it. The crate (9.4) itself
//!   reserves `min(count, directory size / 46)` entries, and only when the
//!   count is below the directory's offset, so its reservation is already
//!   bounded by the file's length; ours makes that independent of its
//!   version;
//! - the members' declared uncompressed sizes may total at most
//!   [`MAX_UNPACKED`] (a zip bomb is refused before anything is unpacked);
//! - declared sizes can lie: every member is read through a budget shared
//!   by the whole archive ([`Budgeted`]), so nothing unpacks past
//!   [`MAX_UNPACKED`] in total, whatever the headers say;
//! - the XML reader (quick-xml) buffers one event at a time: its buffer is
//!   bounded by what the budget lets through.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart};
use zip::read::ZipFile;
use zip::ZipArchive;

use crate::grid::{unreadable, MAX_UNPACKED};
use crate::Problem;

/// Smallest central directory entry: 46 bytes and a name.
const CENTRAL_ENTRY_MIN: u64 = 46;

/// An archive being read, with what is left of its unpacking budget.
pub(crate) struct Zip<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    left: u64,
}

/// A member's XML, read as a stream of events.
pub(crate) type Xml<'z, 'a> = quick_xml::Reader<BufReader<Budgeted<'z, 'a>>>;

/// A member's bytes, cut off (with an error) when the archive's budget is
/// spent.
pub(crate) struct Budgeted<'z, 'a> {
    inner: ZipFile<'z, Cursor<&'a [u8]>>,
    left: &'z mut u64,
    over: bool,
}

impl Read for Budgeted<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if *self.left == 0 {
            // Spent: the member is refused if it has anything more.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over = true;
            return Err(std::io::Error::other("vượt giới hạn giải nén"));
        }
        let max = usize::try_from(*self.left).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(buf.get_mut(..max).unwrap_or_default())?;
        *self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}

fn too_big(total: u64) -> Problem {
    Problem::file(format!("bảng tính khi giải nén lớn {} MB, vượt giới hạn {} MB; đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)", total >> 20, MAX_UNPACKED >> 20))
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes([*b.get(at)?, *b.get(at.checked_add(1)?)?])))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(s))
}

/// Checks every end-of-central-directory record the zip reader could take
/// (it searches the last 64 KiB backwards, and may try more than one): the
/// entry count it declares, and that of a Zip64 record it points to, must
/// fit in the file. Returns whether one was found at all.
fn check_directory_counts(bytes: &[u8]) -> Result<bool, Problem> {
    let len = bytes.len() as u64;
    let fits = |count: u64| count.checked_mul(CENTRAL_ENTRY_MIN).is_some_and(|n| n <= len);
    let refuse = |count: u64| unreadable(format!("danh mục của tệp nén khai {count} mục, nhiều hơn tệp {len} byte có thể chứa"));
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let mut found = false;
    let mut at = bytes.len().saturating_sub(22);
    loop {
        if bytes.get(at..at + 4) == Some(b"PK\x05\x06") {
            found = true;
            // Zip64: a locator just before, pointing at the Zip64 record,
            // whose counts replace 0xFFFF placeholders here.
            let zip64 = at
                .checked_sub(20)
                .filter(|&loc| bytes.get(loc..loc + 4) == Some(b"PK\x06\x07"))
                .and_then(|loc| u64_at(bytes, loc + 8))
                .and_then(|r| usize::try_from(r).ok())
                .filter(|&r| bytes.get(r..r.saturating_add(4)) == Some(b"PK\x06\x06"));
            for field in [8, 10] {
                let count = u16_at(bytes, at + field).unwrap_or(0);
                if !(fits(count) || count == 0xFFFF && zip64.is_some()) {
                    return Err(refuse(count));
                }
            }
            if let Some(rec) = zip64 {
                for field in [24, 32] {
                    let count = u64_at(bytes, rec.saturating_add(field)).unwrap_or(0);
                    if !fits(count) {
                        return Err(refuse(count));
                    }
                }
            }
        }
        if at <= from {
            break;
        }
        at -= 1;
    }
    Ok(found)
}

impl<'a> Zip<'a> {
    /// Opens an archive: counts and declared sizes checked first.
    pub fn open(bytes: &'a [u8]) -> Result<Zip<'a>, Problem> {
        Zip::open_with_budget(bytes, MAX_UNPACKED)
    }

    /// [`Zip::open`] with another budget (tests use a small one).
    pub fn open_with_budget(bytes: &'a [u8], budget: u64) -> Result<Zip<'a>, Problem> {
        if !check_directory_counts(bytes)? {
            return Err(unreadable("tệp nén không có danh mục (tệp bị cắt cụt?)"));
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(format!("tệp nén hỏng: {e}")))?;
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            if let Ok(entry) = archive.by_index_data(i) {
                total = total.saturating_add(entry.size());
            }
        }
        if total > budget {
            return Err(too_big(total));
        }
        Ok(Zip { archive, left: budget })
    }

    /// Whether a member of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Whether this is an OpenDocument spreadsheet (its `mimetype` member
    /// says so; an archive with `content.xml` and no Office parts is taken
    /// as one too).
    pub fn is_ods(&mut self) -> Result<bool, Problem> {
        const ODS: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
        if self.has("mimetype") {
            let mut head = Vec::new();
            let Zip { archive, left } = self;
            let file = archive.by_name("mimetype").map_err(|e| unreadable(format!("tệp nén hỏng: {e}")))?;
            let mut r = Budgeted { inner: file, left, over: false };
            // At most 100 bytes: a fixed bound.
            let _ = (&mut r).take(100).read_to_end(&mut head);
            if head.starts_with(ODS) {
                return Ok(true);
            }
            if head.starts_with(b"application/vnd.oasis.opendocument.") {
                return Err(unreadable("đây là tài liệu OpenDocument nhưng không phải bảng tính (.ods)"));
            }
        }
        Ok(self.has("content.xml") && !self.has("[Content_Types].xml"))
    }

    /// A member's XML as a stream, or `None` if the archive has no such
    /// member.
    pub fn xml(&mut self, name: &str) -> Result<Option<Xml<'_, 'a>>, Problem> {
        let Zip { archive, left } = self;
        let Some(index) = archive.index_for_name(name) else {
            return Ok(None);
        };
        let file = archive.by_index(index).map_err(|e| unreadable(format!("không giải nén được \"{name}\": {e}")))?;
        let mut reader = quick_xml::Reader::from_reader(BufReader::new(Budgeted { inner: file, left, over: false }));
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = true;
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        Ok(Some(reader))
    }
}

/// An XML reading error as a problem: the budget spent, or the part damaged.
pub(crate) fn xml_error(xml: &Xml<'_, '_>, part: &str, e: &quick_xml::Error) -> Problem {
    if xml.get_ref().get_ref().over {
        Problem::file(format!(
            "bảng tính khi giải nén vượt giới hạn {} MB (kích thước ghi trong tệp nén không đúng); đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)",
            MAX_UNPACKED >> 20
        ))
    } else {
        unreadable(format!("phần \"{part}\" hỏng: {e}"))
    }
}

/// An attribute's value by its name (prefix ignored: `r:id` is `id`),
/// unescaped.
pub(crate) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        if a.key.local_name().as_ref() == local {
            Some(a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_or_else(|_| a.value.to_string(), |v| v.into_owned()))
        } else {
            None
        }
    })
}

/// An attribute's value by its full name (`table:number-rows-repeated`).
pub(crate) fn attr_q(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        if a.key.as_ref() == name {
            Some(a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_or_else(|_| a.value.to_string(), |v| v.into_owned()))
        } else {
            None
        }
    })
}

/// Appends an entity or character reference (`&amp;`, `&#x1EA0;`); an
/// unknown one is kept as written.
pub(crate) fn push_ref(r: &BytesRef<'_>, out: &mut String) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    match quick_xml::escape::resolve_predefined_entity(r) {
        Some(s) => out.push_str(s),
        None => {
            out.push('&');
            out.push_str(r);
            out.push(';');
        }
    }
}
