//! A bound on what an .xls file may make the spreadsheet library allocate.
//!
//! calamine builds every sheet of an .xls as one dense grid spanning its
//! first to its last cell, before we can look at it: a 16 KB file naming a
//! cell at row 60,000 and another at column 8,000 asked for 16 GB (found by
//! `cargo fuzz run voter_spreadsheet`). This module reads the file's
//! compound-document container (CFB) and the Workbook stream's BIFF records
//! itself, without allocating more than the file's size, and refuses a sheet
//! whose cells would span more than [`MAX_CELLS`] before calamine sees it.
//!
//! Only what is needed is read: the header, the FAT (and DIFAT), the
//! directory, the mini stream for small workbooks, and the row/column of
//! every cell record.

use crate::grid::{MAX_CELLS, MAX_COLS, MAX_ROWS};

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

/// Why a file is refused.
pub enum Refusal {
    /// The container or the records cannot be read.
    Unreadable(String),
    /// A sheet spans more cells than a voter list can: (rows, columns).
    TooLarge(usize, usize),
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
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
    fn chain(
        &self,
        first: u32,
        len: usize,
        table: &[u32],
        read: &dyn Fn(u32) -> Option<&'a [u8]>,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        let mut n = first;
        let mut steps = 0usize;
        while n != END_OF_CHAIN && out.len() < len {
            // A loop in the chain, or a chain longer than the table.
            steps += 1;
            if steps > table.len() + 1 {
                return None;
            }
            out.extend_from_slice(read(n)?);
            n = *table.get(usize::try_from(n).ok()?)?;
        }
        out.truncate(len);
        Some(out)
    }
}

/// The Workbook stream of an .xls.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let bad = |what: &str| format!("cấu trúc tệp .xls hỏng ({what})");
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
    let mut cfb = Cfb {
        bytes,
        shift,
        fat: Vec::new(),
    };
    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + i * 4))
        .filter(|&s| s != FREE)
        .collect();
    let mut next = u32_at(bytes, 0x44).ok_or_else(|| bad("DIFAT"))?;
    let mut guard = 0;
    while next != END_OF_CHAIN && next != FREE {
        guard += 1;
        if guard > bytes.len() / sector_size + 1 {
            return Err(bad("DIFAT lặp"));
        }
        let s = cfb.sector(next).ok_or_else(|| bad("DIFAT"))?;
        fat_sectors.extend(
            (0..per_sector - 1)
                .filter_map(|i| u32_at(s, i * 4))
                .filter(|&x| x != FREE),
        );
        next = u32_at(s, (per_sector - 1) * 4).ok_or_else(|| bad("DIFAT"))?;
    }
    let mut fat = Vec::with_capacity(
        fat_sectors
            .len()
            .saturating_mul(per_sector)
            .min(bytes.len() / 4 + 1),
    );
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
    let dir = cfb
        .chain(dir_start, bytes.len(), &cfb.fat, &read)
        .ok_or_else(|| bad("thư mục"))?;
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
    // "Workbook" (BIFF8), else "Book" (BIFF5), as the library looks.
    for want in ["Workbook", "Book"] {
        for i in 0..dir.len() / 128 {
            let Some(e) = entry(i) else { break };
            let name_len = usize::from(u16_at(e, 0x40).unwrap_or(0)).min(64);
            let name: String = char::decode_utf16(
                (0..name_len / 2)
                    .filter_map(|k| u16_at(e, k * 2))
                    .take_while(|&c| c != 0),
            )
            .map(|c| c.unwrap_or('?'))
            .collect();
            if e.get(0x42) != Some(&2) || name != want {
                continue;
            }
            let start = u32_at(e, 0x74).ok_or_else(|| bad("luồng"))?;
            let size = u32_at(e, 0x78).ok_or_else(|| bad("luồng"))? as usize;
            if size > bytes.len() {
                return Err(bad("luồng dài hơn tệp"));
            }
            if size >= cutoff {
                return cfb
                    .chain(start, size, &cfb.fat, &read)
                    .ok_or_else(|| bad("chuỗi khối"));
            }
            // A small workbook lives in the mini stream.
            let mini_stream = cfb
                .chain(
                    u32_at(root, 0x74).unwrap_or(END_OF_CHAIN),
                    bytes.len(),
                    &cfb.fat,
                    &read,
                )
                .ok_or_else(|| bad("luồng nhỏ"))?;
            let minifat_bytes = cfb
                .chain(
                    u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN),
                    bytes.len(),
                    &cfb.fat,
                    &read,
                )
                .ok_or_else(|| bad("bảng khối nhỏ"))?;
            let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
                .filter_map(|k| u32_at(&minifat_bytes, k * 4))
                .collect();
            let read_mini = |n: u32| {
                let at = usize::try_from(n).ok()?.checked_mul(64)?;
                mini_stream.get(at..at.checked_add(64)?)
            };
            let mut out = Vec::with_capacity(size);
            let mut n = start;
            let mut steps = 0;
            while n != END_OF_CHAIN && out.len() < size {
                steps += 1;
                if steps > minifat.len() + 1 {
                    return Err(bad("chuỗi khối nhỏ lặp"));
                }
                out.extend_from_slice(read_mini(n).ok_or_else(|| bad("khối nhỏ"))?);
                n = *minifat.get(n as usize).ok_or_else(|| bad("khối nhỏ"))?;
            }
            out.truncate(size);
            return Ok(out);
        }
    }
    Err("tệp .xls không có bảng tính (thiếu luồng Workbook)".into())
}

/// Called with each record's type and data.
type RecordFn<'a> = dyn FnMut(u16, &[u8]) -> Result<(), Refusal> + 'a;

/// The records of a substream from `start` to its EOF (nested substreams,
/// such as charts, included), as the spreadsheet library walks them.
fn substream(
    wb: &[u8],
    start: usize,
    f: &mut RecordFn<'_>,
) -> Result<(), Refusal> {
    let mut at = start;
    let mut depth = 0usize;
    let mut first = true;
    while let (Some(kind), Some(len)) = (u16_at(wb, at), u16_at(wb, at + 2)) {
        let data = wb.get(at + 4..at + 4 + usize::from(len)).unwrap_or(&[]);
        at += 4 + usize::from(len);
        match kind {
            0x0809 if !first => depth += 1,
            0x000A if depth == 0 => return Ok(()),
            0x000A => depth -= 1,
            _ => {}
        }
        first = false;
        f(kind, data)?;
    }
    Ok(())
}

/// Checks every sheet of an .xls: the span of its cells, and the span its
/// DIMENSIONS record announces (the library reserves it), stay within
/// [`MAX_ROWS`] × [`MAX_COLS`] and [`MAX_CELLS`]. Sheets are found as the
/// library finds them: from the BOUNDSHEET records of the globals.
pub fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let wb = workbook_stream(bytes).map_err(Refusal::Unreadable)?;
    let mut sheets = Vec::new();
    substream(&wb, 0, &mut |kind, data| {
        if kind == 0x0085 {
            if let Some(pos) = u32_at(data, 0) {
                sheets.push(pos as usize);
            }
        }
        Ok(())
    })?;
    for pos in sheets {
        // (rows min/max, cols min/max) of the sheet's cells.
        let mut span: Option<(usize, usize, usize, usize)> = None;
        substream(&wb, pos, &mut |kind, data| {
            check_record(kind, data, &mut span)
        })?;
        if let Some((r0, r1, c0, c1)) = span {
            let (h, w) = (r1 - r0 + 1, c1 - c0 + 1);
            if r1 >= MAX_ROWS || c1 >= MAX_COLS || h.saturating_mul(w) > MAX_CELLS {
                return Err(Refusal::TooLarge(r1 + 1, c1 + 1));
            }
        }
    }
    Ok(())
}

fn check_record(
    kind: u16,
    data: &[u8],
    span: &mut Option<(usize, usize, usize, usize)>,
) -> Result<(), Refusal> {
    let cell = |row_at: usize, col_at: usize| {
        Some((
            usize::from(u16_at(data, row_at)?),
            usize::from(u16_at(data, col_at)?),
        ))
    };
    let cells: Vec<(usize, usize)> = match kind {
        // DIMENSIONS: the reader reserves rows × columns from it (read as
        // it does, BIFF5 or BIFF8).
        0x0200 => {
            let (rf, rl, cf, cl) = match data.len() {
                10 => (
                    u16_at(data, 0).map(u32::from),
                    u16_at(data, 2).map(u32::from),
                    u16_at(data, 4).map(u32::from),
                    u16_at(data, 6).map(u32::from),
                ),
                14 | 16 => (
                    u32_at(data, 0),
                    u32_at(data, 4),
                    u16_at(data, 8).map(u32::from),
                    u16_at(data, 10).map(u32::from),
                ),
                _ => return Ok(()),
            };
            let (Some(rf), Some(rl), Some(cf0), Some(cl)) = (rf, rl, cf, cl) else {
                return Ok(());
            };
            let cf = if 0xFF < cf0 || cl < cf0 { 0 } else { cf0 };
            let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                (rl - 1, cl - 1)
            } else {
                (rf, cf)
            };
            if end_r < rf {
                return Err(Refusal::TooLarge(rf as usize + 1, cl as usize));
            }
            let rows = (end_r - rf) as usize + 1;
            let cols = (end_c.saturating_sub(cf)) as usize + 1;
            if rows.saturating_mul(cols) > MAX_CELLS {
                return Err(Refusal::TooLarge(end_r as usize + 1, end_c as usize + 1));
            }
            return Ok(());
        }
        // FORMULA, LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK, RSTRING
        0x0006 | 0x00FD | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00D6 => {
            cell(0, 2).into_iter().collect()
        }
        // MULRK, MULBLANK: a row, a first and a last column.
        0x00BD | 0x00BE => {
            let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
            match (cell(0, 2), last) {
                (Some((r, c0)), Some(c1)) => vec![(r, c0), (r, usize::from(c1))],
                _ => vec![],
            }
        }
        _ => return Ok(()),
    };
    for (r, c) in cells {
        *span = Some(match *span {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
    }
    Ok(())
}
