//! Reads an .xls workbook (Excel 97–2003, BIFF8) into sheets of cells.
//!
//! Two layers, both ours, neither allocating more than the file's length:
//! - the compound-document container (CFB): header, FAT (and DIFAT),
//!   directory, mini stream, and from them the `Workbook` stream. Every
//!   chain is walked at most as many steps as its table has entries (a
//!   looping chain is refused), and no stream is longer than the file;
//! - the BIFF8 records of that stream. Workbook globals: BOF (Excel 5/95
//!   files are refused with a message), FILEPASS (encrypted: refused),
//!   DATEMODE (1904 system), FORMAT and XF (which numbers are dates),
//!   BOUNDSHEET (worksheets' names and positions), SST with its CONTINUE
//!   records (a string split across them goes on with a new option byte;
//!   rich-text runs and phonetic data are skipped). CODEPAGE does not
//!   matter in BIFF8, whose text is UTF-16 (or its low bytes). Each
//!   worksheet: NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING, BOOLERR,
//!   FORMULA (its cached number, or the STRING record after it); BLANK and
//!   MULBLANK are formatting only. Embedded charts' substreams are skipped.
//!
//! Counts and lengths in the file are never used to reserve memory: a
//! string is as long as the bytes actually there, the shared strings as
//! many as actually read, and cells go to the bounded [`Book`].

use std::collections::HashMap;

use crate::grid::{bool_cell, builtin_format_is_date, custom_format_is_date, date_cell, unreadable, Book, Cell, Sheet, MAX_CELLS, MAX_SHEETS};
use crate::Problem;

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

const OLD_FORMAT: &str = "tệp .xls định dạng cũ (Excel 5/95), hãy mở bằng Excel/LibreOffice và lưu lại thành .xlsx";
const ENCRYPTED: &str = "tệp bảng tính được đặt mật khẩu (mã hóa) nên không đọc được; hãy mở bằng Excel, bỏ mật khẩu rồi lưu lại thành .xlsx";

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// Whether `bytes` is a compound document (an .xls and others).
pub fn is_cfb(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let start = (usize::try_from(n).ok()?.checked_add(1)?).checked_mul(size)?;
        self.bytes.get(start..start.checked_add(size)?)
    }

    /// The bytes of a chain of sectors starting at `first`, at most `len`.
    fn chain(&self, first: u32, len: usize, table: &[u32], read: &dyn Fn(u32) -> Option<&'a [u8]>) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        // A sector seen twice is a loop: refused even when the loop would
        // fill the stream (the table is at most the file's length / 4).
        let mut seen = vec![false; table.len()];
        let mut n = first;
        while n != END_OF_CHAIN && out.len() < len {
            let i = usize::try_from(n).ok()?;
            if std::mem::replace(seen.get_mut(i)?, true) {
                return None;
            }
            out.extend_from_slice(read(n)?);
            n = *table.get(i)?;
        }
        out.truncate(len);
        Some(out)
    }
}

/// The Workbook stream of an .xls (`Err` says why there is none).
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let bad = |what: &str| unreadable(format!("cấu trúc tệp .xls hỏng ({what})"));
    let shift = u32::from(u16_at(bytes, 0x1E).ok_or_else(|| bad("đầu tệp"))?);
    if shift != 9 && shift != 12 {
        return Err(bad("cỡ khối"));
    }
    let mini_shift = u32::from(u16_at(bytes, 0x20).ok_or_else(|| bad("đầu tệp"))?);
    if mini_shift != 6 {
        return Err(bad("cỡ khối nhỏ"));
    }
    let sector_size = 1usize << shift;
    let per_sector = sector_size / 4;
    let mut cfb = Cfb { bytes, shift, fat: Vec::new() };
    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 0x4C + i * 4)).filter(|&s| s != FREE).collect();
    let mut next = u32_at(bytes, 0x44).ok_or_else(|| bad("DIFAT"))?;
    let mut guard = 0;
    while next != END_OF_CHAIN && next != FREE {
        guard += 1;
        if guard > bytes.len() / sector_size + 1 {
            return Err(bad("DIFAT lặp"));
        }
        let s = cfb.sector(next).ok_or_else(|| bad("DIFAT"))?;
        fat_sectors.extend((0..per_sector - 1).filter_map(|i| u32_at(s, i * 4)).filter(|&x| x != FREE));
        next = u32_at(s, (per_sector - 1) * 4).ok_or_else(|| bad("DIFAT"))?;
    }
    let mut fat = Vec::with_capacity(fat_sectors.len().saturating_mul(per_sector).min(bytes.len() / 4 + 1));
    for s in fat_sectors {
        let sec = cfb.sector(s).ok_or_else(|| bad("FAT"))?;
        fat.extend((0..per_sector).filter_map(|i| u32_at(sec, i * 4)));
        if fat.len() > bytes.len() / 4 + per_sector {
            return Err(bad("FAT quá dài"));
        }
    }
    cfb.fat = fat;
    let read = |n: u32| cfb.sector(n);
    let dir_start = u32_at(bytes, 0x30).ok_or_else(|| bad("thư mục"))?;
    // The library reads the directory chain to its end without a bound:
    // it must end within as many sectors as the file has (else it loops).
    let sectors_in_file = bytes.len() / sector_size + 1;
    let mut n = dir_start;
    let mut steps = 0usize;
    while n != END_OF_CHAIN {
        steps += 1;
        if steps > sectors_in_file {
            return Err(bad("chuỗi thư mục lặp vòng"));
        }
        n = *cfb.fat.get(n as usize).ok_or_else(|| bad("thư mục"))?;
    }
    let dir = cfb.chain(dir_start, bytes.len(), &cfb.fat, &read).ok_or_else(|| bad("thư mục"))?;
    let entry = |i: usize| dir.get(i * 128..i * 128 + 128);
    let root = entry(0).ok_or_else(|| bad("thư mục gốc"))?;
    // Lengths the library reads chains up to (a looping chain would fill
    // them): none may exceed the file.
    let len_of = |e: &[u8]| -> u64 { u64::from(u32_at(e, 0x78).unwrap_or(0)) | (u64::from(u32_at(e, 0x7C).unwrap_or(0)) << 32) };
    let mini_fat_sectors = u64::from(u32_at(bytes, 0x40).unwrap_or(0));
    if mini_fat_sectors > 0 && (len_of(root) > bytes.len() as u64 || mini_fat_sectors.saturating_mul(sector_size as u64) > bytes.len() as u64) {
        return Err(bad("luồng nhỏ dài hơn tệp"));
    }
    for i in 0..dir.len() / 128 {
        if let Some(e) = entry(i) {
            if e.get(0x42) == Some(&2) && len_of(e) > bytes.len() as u64 {
                return Err(bad("luồng dài hơn tệp"));
            }
        }
    }
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as usize;
    let name_of = |e: &[u8]| -> String {
        let name_len = usize::from(u16_at(e, 0x40).unwrap_or(0)).min(64);
        char::decode_utf16((0..name_len / 2).filter_map(|k| u16_at(e, k * 2)).take_while(|&c| c != 0)).map(|c| c.unwrap_or('?')).collect()
    };
    let streams = || (0..dir.len() / 128).filter_map(entry).filter(|e| e.get(0x42) == Some(&2));
    // "Workbook" is BIFF8; "Book" is Excel 5/95 (BIFF5); an encrypted
    // .xlsx is a compound file too.
    if !streams().any(|e| name_of(e) == "Workbook") {
        if streams().any(|e| name_of(e) == "Book") {
            return Err(Problem::file(OLD_FORMAT));
        }
        if streams().any(|e| name_of(e) == "EncryptedPackage") {
            return Err(Problem::file(ENCRYPTED));
        }
        return Err(unreadable("tệp .xls không có bảng tính (thiếu luồng Workbook)"));
    }
    {
        for i in 0..dir.len() / 128 {
            let Some(e) = entry(i) else { break };
            if e.get(0x42) != Some(&2) || name_of(e) != "Workbook" {
                continue;
            }
            let start = u32_at(e, 0x74).ok_or_else(|| bad("luồng"))?;
            let size = u32_at(e, 0x78).ok_or_else(|| bad("luồng"))? as usize;
            if size > bytes.len() {
                return Err(bad("luồng dài hơn tệp"));
            }
            if size >= cutoff {
                return cfb.chain(start, size, &cfb.fat, &read).filter(|s| s.len() == size).ok_or_else(|| bad("chuỗi khối của luồng Workbook"));
            }
            // A small workbook lives in the mini stream.
            let mini_stream = cfb.chain(u32_at(root, 0x74).unwrap_or(END_OF_CHAIN), bytes.len(), &cfb.fat, &read).ok_or_else(|| bad("luồng nhỏ"))?;
            let minifat_bytes = cfb.chain(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), bytes.len(), &cfb.fat, &read).ok_or_else(|| bad("bảng khối nhỏ"))?;
            let minifat: Vec<u32> = (0..minifat_bytes.len() / 4).filter_map(|k| u32_at(&minifat_bytes, k * 4)).collect();
            let read_mini = |n: u32| {
                let at = usize::try_from(n).ok()?.checked_mul(64)?;
                mini_stream.get(at..at.checked_add(64)?)
            };
            let mut out = Vec::with_capacity(size);
            let mut seen = vec![false; minifat.len()];
            let mut n = start;
            while n != END_OF_CHAIN && out.len() < size {
                let i = n as usize;
                let visited = seen.get_mut(i).ok_or_else(|| bad("khối nhỏ"))?;
                if std::mem::replace(visited, true) {
                    return Err(bad("chuỗi khối nhỏ lặp"));
                }
                out.extend_from_slice(read_mini(n).ok_or_else(|| bad("khối nhỏ"))?);
                n = *minifat.get(i).ok_or_else(|| bad("khối nhỏ"))?;
            }
            if out.len() < size {
                return Err(bad("luồng Workbook ngắn hơn độ dài khai báo"));
            }
            out.truncate(size);
            return Ok(out);
        }
    }
    Err(unreadable("tệp .xls không có bảng tính (thiếu luồng Workbook)"))
}

// BIFF8 record types.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const DATEMODE: u16 = 0x0022;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;

/// Records of a stream from an offset: (type, data, offset of the next
/// record). A record cut short by the stream's end ends the walk.
struct Records<'a> {
    wb: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8], usize);
    fn next(&mut self) -> Option<Self::Item> {
        let kind = u16_at(self.wb, self.at)?;
        let len = usize::from(u16_at(self.wb, self.at.checked_add(2)?)?);
        let start = self.at.checked_add(4)?;
        let end = start.checked_add(len)?;
        let data = self.wb.get(start..end)?;
        self.at = end;
        Some((kind, data, end))
    }
}

/// A record's data followed by its CONTINUE records, read as one.
struct Continued<'a> {
    wb: &'a [u8],
    cur: &'a [u8],
    next: usize,
}

impl<'a> Continued<'a> {
    /// Moves to the next CONTINUE record, if the next record is one.
    fn advance(&mut self) -> bool {
        match (Records { wb: self.wb, at: self.next }).next() {
            Some((CONTINUE, data, next)) => {
                self.cur = data;
                self.next = next;
                true
            }
            _ => false,
        }
    }

    /// `n` bytes from the current record (a header is never split).
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (self.cur.get(..n)?, self.cur.get(n..)?);
        self.cur = tail;
        Some(head)
    }

    /// Skips `n` bytes, across CONTINUE records; false if the data ends.
    fn skip(&mut self, mut n: u64) -> bool {
        while n > 0 {
            if self.cur.is_empty() && !self.advance() {
                return false;
            }
            let k = usize::try_from(n).unwrap_or(usize::MAX).min(self.cur.len());
            self.cur = self.cur.get(k..).unwrap_or_default();
            n -= k as u64;
        }
        true
    }
}

/// Appends `n` characters: UTF-16LE if `wide`, else one byte each (the low
/// bytes of UTF-16: Latin-1). Returns the bytes used.
fn push_chars(s: &mut String, data: &[u8], n: usize, wide: bool) -> usize {
    if wide {
        let n = n.min(data.len() / 2);
        let units = (0..n).filter_map(|i| u16_at(data, i * 2));
        s.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
        n * 2
    } else {
        let n = n.min(data.len());
        s.extend(data.iter().take(n).map(|&b| char::from(b)));
        n
    }
}

/// An `XLUnicodeString` (16-bit length, option byte, characters), cut to
/// the bytes the record has.
fn unicode_string(data: &[u8]) -> String {
    let mut s = String::new();
    if let (Some(cch), Some(&flags)) = (u16_at(data, 0), data.get(2)) {
        push_chars(&mut s, data.get(3..).unwrap_or_default(), usize::from(cch), flags & 1 != 0);
    }
    s
}

/// A `ShortXLUnicodeString` (8-bit length), as sheet names are.
fn short_string(data: &[u8]) -> String {
    let mut s = String::new();
    if let (Some(&cch), Some(&flags)) = (data.first(), data.get(1)) {
        push_chars(&mut s, data.get(2..).unwrap_or_default(), usize::from(cch), flags & 1 != 0);
    }
    s
}

/// The shared strings: an SST record and its CONTINUE records. Reading
/// stops where the data does (a damaged table keeps what it had).
fn read_sst(wb: &[u8], data: &[u8], next: usize) -> Result<Vec<String>, Problem> {
    let mut strings = Vec::new();
    let mut c = Continued { wb, cur: data.get(8..).unwrap_or_default(), next };
    'strings: loop {
        if c.cur.is_empty() && !c.advance() {
            break;
        }
        let Some(&[lo, hi, flags]) = c.take(3).and_then(|h| <&[u8; 3]>::try_from(h).ok()) else {
            break;
        };
        let cch = usize::from(u16::from_le_bytes([lo, hi]));
        let runs = if flags & 0x08 != 0 {
            match c.take(2) {
                Some(b) => u64::from(u16_at(b, 0).unwrap_or(0)),
                None => break,
            }
        } else {
            0
        };
        let ext = if flags & 0x04 != 0 {
            match c.take(4) {
                Some(b) => u64::from(u32_at(b, 0).unwrap_or(0)),
                None => break,
            }
        } else {
            0
        };
        if strings.len() >= MAX_CELLS {
            return Err(unreadable(format!("bảng chuỗi dùng chung có hơn {MAX_CELLS} chuỗi")));
        }
        let mut s = String::new();
        let mut wide = flags & 0x01 != 0;
        let mut left = cch;
        while left > 0 {
            if c.cur.is_empty() {
                // The characters go on in a CONTINUE record, which starts
                // with its own option byte.
                if !c.advance() {
                    strings.push(s);
                    break 'strings;
                }
                match c.take(1) {
                    Some(&[f]) => wide = f & 0x01 != 0,
                    _ => continue,
                }
                continue;
            }
            let used = push_chars(&mut s, c.cur, left, wide);
            if used == 0 {
                // An odd byte left where a UTF-16 unit was due.
                c.cur = &[];
                continue;
            }
            left -= if wide { used / 2 } else { used };
            c.cur = c.cur.get(used..).unwrap_or_default();
        }
        strings.push(s);
        // Rich-text runs (4 bytes each), then phonetic data.
        if !c.skip(runs * 4 + ext) {
            break;
        }
    }
    Ok(strings)
}

/// What the workbook globals say.
struct Globals {
    is_1904: bool,
    /// Number format of each XF (cell style).
    xf_formats: Vec<u16>,
    /// Whether each custom number format is a date.
    formats: HashMap<u16, bool>,
    /// Worksheets: name and the offset of their BOF.
    sheets: Vec<(String, usize)>,
    strings: Vec<String>,
}

impl Globals {
    /// A number as a cell: a date if its style's format is one.
    fn number(&self, v: f64, xf: u16) -> Cell {
        let is_date = self.xf_formats.get(usize::from(xf)).is_some_and(|&f| self.formats.get(&f).copied().unwrap_or_else(|| builtin_format_is_date(u32::from(f))));
        if is_date {
            date_cell(v, self.is_1904)
        } else {
            Cell::Number(v)
        }
    }
}

/// The BOF record's BIFF version, checked: BIFF8 or a refusal.
fn check_bof(kind: u16, data: &[u8]) -> Result<(), Problem> {
    match (kind, u16_at(data, 0)) {
        (BOF, Some(0x0600)) => Ok(()),
        // BIFF2–4 have their own BOF types; BIFF5 says 0x0500.
        (0x0009 | 0x0209 | 0x0409, _) | (BOF, Some(0x0500 | 0x0400 | 0x0300 | 0x0200)) => Err(Problem::file(OLD_FORMAT)),
        _ => Err(unreadable("luồng Workbook không bắt đầu bằng bản ghi BOF")),
    }
}

fn read_globals(wb: &[u8]) -> Result<Globals, Problem> {
    let mut g = Globals { is_1904: false, xf_formats: Vec::new(), formats: HashMap::new(), sheets: Vec::new(), strings: Vec::new() };
    let mut records = Records { wb, at: 0 };
    let Some((kind, data, _)) = records.next() else {
        return Err(unreadable("luồng Workbook trống"));
    };
    check_bof(kind, data)?;
    for (kind, data, next) in records {
        match kind {
            FILEPASS => return Err(Problem::file(ENCRYPTED)),
            DATEMODE => g.is_1904 = u16_at(data, 0) == Some(1),
            FORMAT => {
                if let Some(id) = u16_at(data, 0) {
                    // Ids a workbook may define (others are built in).
                    if matches!(id, 5..=8 | 23..=26 | 41..=44 | 63..=66 | 164..=382) {
                        let code = unicode_string(data.get(2..).unwrap_or_default());
                        g.formats.insert(id, custom_format_is_date(&code));
                    }
                }
            }
            XF => {
                if let Some(f) = u16_at(data, 2) {
                    g.xf_formats.push(f);
                }
            }
            BOUNDSHEET => {
                // Worksheets only (dt = 0): not charts, macros or VBA.
                if let (Some(pos), Some(0)) = (u32_at(data, 0), data.get(5)) {
                    if g.sheets.len() >= MAX_SHEETS {
                        return Err(unreadable(format!("bảng tính có hơn {MAX_SHEETS} trang tính")));
                    }
                    let mut name = short_string(data.get(6..).unwrap_or_default());
                    name.retain(|c| c != '\0');
                    g.sheets.push((name, pos as usize));
                }
            }
            SST => g.strings = read_sst(wb, data, next)?,
            EOF => break,
            _ => {}
        }
    }
    Ok(g)
}

/// An RK number: a 30-bit integer or the top of an f64, maybe ÷ 100.
fn rk(v: u32) -> f64 {
    let div100 = v & 1 != 0;
    if v & 2 != 0 {
        let n = i64::from((v as i32) >> 2);
        if div100 {
            n as f64 / 100.0
        } else {
            n as f64
        }
    } else {
        let f = f64::from_bits(u64::from(v & 0xFFFF_FFFC) << 32);
        if div100 {
            f / 100.0
        } else {
            f
        }
    }
}

/// Reads one worksheet's cells, from its BOF at `pos` to its EOF.
fn read_sheet(wb: &[u8], pos: usize, g: &Globals, book: &mut Book) -> Result<(), Problem> {
    let mut records = Records { wb, at: pos };
    match records.next() {
        Some((BOF, _, _)) => {}
        _ => return Err(unreadable("trang tính không bắt đầu bằng bản ghi BOF (vị trí sai)")),
    }
    let at = |data: &[u8], i: usize| u16_at(data, i).map(u64::from);
    let mut depth = 0usize;
    let mut formula_at: Option<(u64, u64)> = None;
    let mut missing: Option<Problem> = None;
    for (kind, data, _) in records {
        // A chart or other substream inside the sheet: skipped whole.
        if depth > 0 {
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF => {
                depth += 1;
                continue;
            }
            EOF => break,
            STRING => {
                if let Some((row, col)) = formula_at.take() {
                    book.put(row, col, Cell::Text(unicode_string(data)))?;
                }
                continue;
            }
            _ => {}
        }
        let (Some(row), Some(col)) = (at(data, 0), at(data, 2)) else {
            continue;
        };
        let xf = u16_at(data, 4).unwrap_or(0);
        match kind {
            NUMBER => {
                if let Some(v) = data.get(6..14).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                    book.put(row, col, g.number(f64::from_le_bytes(v), xf))?;
                }
            }
            RK => {
                if let Some(v) = u32_at(data, 6) {
                    book.put(row, col, g.number(rk(v), xf))?;
                }
            }
            MULRK => {
                // (style, RK) pairs, then the last column: as many as the
                // record holds.
                let pairs = data.len().saturating_sub(6) / 6;
                for i in 0..pairs {
                    let (Some(xf), Some(v)) = (u16_at(data, 4 + 6 * i), u32_at(data, 6 + 6 * i)) else {
                        break;
                    };
                    book.put(row, col.saturating_add(i as u64), g.number(rk(v), xf))?;
                }
            }
            LABELSST => {
                let Some(i) = u32_at(data, 6) else { continue };
                match g.strings.get(i as usize) {
                    Some(s) => book.put(row, col, Cell::Text(s.clone()))?,
                    // A cell naming a string the table does not have: the
                    // file is damaged (its text would silently go
                    // missing). Said once the sheet is read, so that a
                    // sheet too large is said first.
                    None => {
                        missing.get_or_insert_with(|| {
                            unreadable(format!("ô {}{} trỏ tới chuỗi số {i} không có trong bảng chuỗi dùng chung ({} chuỗi)", crate::grid::col_letter(col as u32), row + 1, g.strings.len()))
                        });
                    }
                }
            }
            LABEL | RSTRING => {
                book.put(row, col, Cell::Text(unicode_string(data.get(6..).unwrap_or_default())))?;
            }
            BOOLERR => {
                // An error value (fError = 1) is no value.
                if let (Some(&b), Some(0)) = (data.get(6), data.get(7)) {
                    book.put(row, col, bool_cell(b != 0))?;
                }
            }
            FORMULA => {
                formula_at = Some((row, col));
                let Some(v) = data.get(6..14) else { continue };
                let cell = match v {
                    // A string: in the STRING record that follows.
                    [0x00, .., 0xFF, 0xFF] => Cell::Empty,
                    [0x01, _, b, .., 0xFF, 0xFF] => bool_cell(*b != 0),
                    [0x03, .., 0xFF, 0xFF] => Cell::Text(String::new()),
                    [_, .., 0xFF, 0xFF] => Cell::Empty,
                    _ => match <[u8; 8]>::try_from(v) {
                        Ok(b) => g.number(f64::from_le_bytes(b), xf),
                        Err(_) => Cell::Empty,
                    },
                };
                book.put(row, col, cell)?;
            }
            _ => {}
        }
    }
    missing.map_or(Ok(()), Err)
}

/// Reads every worksheet of an .xls file.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    let wb = workbook_stream(bytes)?;
    let g = read_globals(&wb)?;
    let mut book = Book::new();
    for (name, pos) in &g.sheets {
        book.start_sheet(name.clone())?;
        read_sheet(&wb, *pos, &g, &mut book)?;
    }
    book.finish()
}
