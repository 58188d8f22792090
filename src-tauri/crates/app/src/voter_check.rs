//! Kiểm tra danh sách cử tri (issue 16 §3): before opening, a report of
//! what a careful Thư ký would look for in the list — the same căn cước
//! twice, a voter under 18 on election day, no identification, names that
//! still look typed in a legacy encoding (TCVN3/VNI) or garbled, and —
//! when the lists of several areas are checked together (a commune board
//! with its areas' files, or a team with its neighbours') — one person
//! listed in two areas. A report, not a refusal: problems are listed and
//! the command succeeds.

use crate::ErrorCode;
use std::collections::{BTreeMap, HashMap};

use tobaucu_core::legacy;
use tobaucu_core::text::fold;
use tobaucu_core::voter::{self, BirthDate};
use tobaucu_import::{read_voter_file, ImportContext, ProblemKind};
use tobaucu_ipc::{CheckedListDto, VoterCheckDto, VoterProblemDto, VoterProblemKind};
use tobaucu_store::Read;

use crate::{clock, App, Error, Result};

/// The most a voter-list file may weigh (as for an import).
pub(crate) const MAX_LIST_BYTES: u64 = 200 << 20;

/// One voter of one list, as the check sees it.
struct Entry {
    list: usize,
    stt: u32,
    name: String,
    birth: String,
    id_number: Option<String>,
    /// (field, label, text) checked for legacy or garbled text.
    texts: Vec<(&'static str, &'static str, String)>,
}

fn problem(kind: VoterProblemKind, list: &str, stt: Option<u32>, name: &str, field: &str, message: String) -> VoterProblemDto {
    VoterProblemDto { kind, list: list.to_owned(), stt: stt.map(Into::into), name: name.to_owned(), field: field.to_owned(), message }
}

impl App {
    /// `voters check [FILE…] [--json]`: checks this team's list (at a
    /// board: only the files given) and the lists in `files` (name, bytes:
    /// other areas' Mẫu 31 files, read as an import reads them).
    pub fn voters_check(&self, files: &[(String, Vec<u8>)]) -> Result<VoterCheckDto> {
        let (unit, kind) = self.unit_id()?;
        let def = self.def()?;
        let day = def.election.date;
        if kind.is_board() && files.is_empty() {
            return Err(Error::refused(
                ErrorCode::Usage,
                format!("{unit} là {kind}: cơ sở dữ liệu này không giữ danh sách cử tri; hãy cho các tệp danh sách của các khu vực (tobaucu voters check TỆP…)"),
            ));
        }
        let mut lists: Vec<CheckedListDto> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut problems: Vec<VoterProblemDto> = Vec::new();
        if kind == tobaucu_ipc::UnitKind::Area {
            let source = format!("danh sách trong máy ({unit})");
            let mut n = 0;
            for v in self.store.voters()? {
                if !matches!(v.status.as_str(), "active" | "elsewhere") {
                    continue;
                }
                n += 1;
                entries.push(Entry {
                    list: 0,
                    stt: crate::convert::stored_u32("số thứ tự cử tri", v.stt)?,
                    name: v.name.clone(),
                    birth: v.birth_date.clone(),
                    id_number: v.id_number.clone(),
                    texts: vec![
                        ("name", "họ và tên", v.name),
                        ("ethnicity", "dân tộc", v.ethnicity),
                        ("residence", "nơi thường trú", v.residence),
                        ("residence_temporary", "nơi tạm trú", v.residence_temporary),
                        ("residence_current", "nơi ở hiện tại", v.residence_current),
                    ],
                });
            }
            lists.push(CheckedListDto { source, area: Some(unit.clone().into()), voters: n });
        }
        let ctx = ImportContext { levels: def.levels.iter().map(|l| (l.code.clone(), l.name.clone())).collect(), election_day: day, level_columns: Vec::new() };
        for (name, bytes) in files {
            let list = lists.len();
            // The area a file is of, when its name says it ("…X0412-KV02…").
            let area = def.areas.iter().find(|a| name.contains(a.id.as_str())).map(|a| a.id.clone());
            match read_voter_file(name, bytes, &ctx, &mut |_, _| {}) {
                Ok(l) => {
                    lists.push(CheckedListDto { source: name.clone(), area: area.map(Into::into), voters: u32::try_from(l.voters.len()).unwrap_or(u32::MAX) });
                    for iv in l.voters {
                        let v = iv.voter;
                        entries.push(Entry {
                            list,
                            stt: v.stt,
                            name: v.name.clone(),
                            birth: v.birth_date.iso(),
                            id_number: v.id_number.clone(),
                            texts: vec![
                                ("name", "họ và tên", v.name),
                                ("ethnicity", "dân tộc", v.ethnicity),
                                ("residence", "nơi thường trú", v.residence),
                                ("residence_temporary", "nơi tạm trú", v.residence_temporary),
                                ("residence_current", "nơi ở hiện tại", v.residence_current),
                            ],
                        });
                    }
                }
                Err(found) => {
                    lists.push(CheckedListDto { source: name.clone(), area: area.map(Into::into), voters: 0 });
                    for p in found {
                        let kind = match p.kind {
                            ProblemKind::DuplicateId => VoterProblemKind::DuplicateId,
                            ProblemKind::UnderAge => VoterProblemKind::UnderAge,
                            ProblemKind::Other => VoterProblemKind::Unreadable,
                        };
                        let field = p.field.clone().unwrap_or_default();
                        problems.push(problem(kind, name, None, "", &field, format!("{} (tệp chưa được so với các danh sách khác cho đến khi sửa xong)", p.describe(name))));
                    }
                }
            }
        }
        let source = |e: &Entry| lists.get(e.list).map(|l| l.source.clone()).unwrap_or_default();
        // Within one list, and across lists.
        let mut by_id: HashMap<&str, Vec<&Entry>> = HashMap::new();
        let mut by_person: HashMap<(String, &str), Vec<&Entry>> = HashMap::new();
        for e in &entries {
            let list = source(e);
            match BirthDate::from_iso(&e.birth) {
                Some(b) => {
                    if let Err(why) = voter::check_birth(b, day) {
                        problems.push(problem(
                            VoterProblemKind::UnderAge,
                            &list,
                            Some(e.stt),
                            &e.name,
                            "birth_date",
                            format!("{list}, cử tri số {} — {}: {}", e.stt, e.name, voter::birth_refusal_vi(b, why, day)),
                        ));
                    }
                }
                None => problems.push(problem(
                    VoterProblemKind::UnderAge,
                    &list,
                    Some(e.stt),
                    &e.name,
                    "birth_date",
                    format!("{list}, cử tri số {} — {}: ngày sinh \"{}\" không đọc được, không biết đã đủ 18 tuổi chưa", e.stt, e.name, e.birth),
                )),
            }
            match e.id_number.as_deref() {
                Some(id) => by_id.entry(id).or_default().push(e),
                None => problems.push(problem(
                    VoterProblemKind::MissingId,
                    &list,
                    Some(e.stt),
                    &e.name,
                    "id_number",
                    format!("{list}, cử tri số {} — {}: chưa có số căn cước (số định danh cá nhân)", e.stt, e.name),
                )),
            }
            for (field, label, text) in &e.texts {
                if text.trim().is_empty() {
                    continue;
                }
                let (converted, enc) = legacy::to_unicode(text);
                let why = if enc != legacy::Encoding::Unicode {
                    Some(format!("{label} \"{text}\" có vẻ vẫn gõ bằng bảng mã {} (đọc đúng là \"{converted}\")", enc.vi()))
                } else {
                    legacy::impossible(text).map(|n| format!("{label} \"{text}\" {}", n.vi()))
                };
                if let Some(why) = why {
                    problems.push(problem(VoterProblemKind::LegacyText, &list, Some(e.stt), &e.name, field, format!("{list}, cử tri số {}: {why}; hãy sửa lại cho đúng chữ tiếng Việt", e.stt)));
                }
            }
            by_person.entry((fold(&e.name), e.birth.as_str())).or_default().push(e);
        }
        let mut ids: Vec<(&str, Vec<&Entry>)> = by_id.into_iter().filter(|(_, v)| v.len() > 1).collect();
        ids.sort_by_key(|(id, _)| *id);
        for (id, group) in &ids {
            let first = group[0];
            for e in &group[1..] {
                let (kind, what) = if e.list == first.list {
                    (VoterProblemKind::DuplicateId, "trùng số căn cước với")
                } else {
                    (VoterProblemKind::TwoAreas, "một người có tên ở hai khu vực: trùng số căn cước với")
                };
                problems.push(problem(
                    kind,
                    &source(e),
                    Some(e.stt),
                    &e.name,
                    "id_number",
                    format!("{}, cử tri số {} — {}: số căn cước {id} {what} {}, cử tri số {} — {}", source(e), e.stt, e.name, source(first), first.stt, first.name),
                ));
            }
        }
        // The same name and birth date in two areas, where the căn cước
        // does not already tell (missing in one of them): likely one person.
        let mut people: Vec<&Vec<&Entry>> = by_person.values().filter(|g| g.len() > 1).collect();
        people.sort_by_key(|g| (g[0].list, g[0].stt));
        for group in people {
            let first = group[0];
            for e in &group[1..] {
                let same_id_known = matches!((&e.id_number, &first.id_number), (Some(a), Some(b)) if a == b);
                let different_ids = matches!((&e.id_number, &first.id_number), (Some(a), Some(b)) if a != b);
                if e.list != first.list && !same_id_known && !different_ids {
                    problems.push(problem(
                        VoterProblemKind::TwoAreas,
                        &source(e),
                        Some(e.stt),
                        &e.name,
                        "name",
                        format!(
                            "{}, cử tri số {} — {}: cùng họ tên và ngày sinh với {}, cử tri số {}; có thể là một người có tên ở hai khu vực — đối chiếu căn cước",
                            source(e),
                            e.stt,
                            e.name,
                            source(first),
                            first.stt
                        ),
                    ));
                }
            }
        }
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for p in &problems {
            *counts.entry(p.kind.as_str().to_owned()).or_default() += 1;
        }
        let voters: u32 = lists.iter().map(|l| l.voters).sum();
        let message = if problems.is_empty() {
            format!("Đã kiểm tra {} danh sách, {voters} cử tri: không thấy vấn đề nào.", lists.len())
        } else {
            format!(
                "Đã kiểm tra {} danh sách, {voters} cử tri: {} vấn đề cần xem lại — {}.",
                lists.len(),
                problems.len(),
                counts.iter().map(|(k, n)| format!("{n} {}", VoterProblemKind::parse(k).map_or("", VoterProblemKind::vi))).collect::<Vec<_>>().join(", ")
            )
        };
        Ok(VoterCheckDto { ok: problems.is_empty(), checked_at: clock::stamp(self.now()), lists, problems, counts, message })
    }

    /// [`App::voters_check`] of files on disk (each bounded in size).
    pub fn voters_check_files(&self, paths: &[std::path::PathBuf]) -> Result<VoterCheckDto> {
        let mut files = Vec::new();
        for p in paths {
            let bytes = crate::fsio::read_regular(p, MAX_LIST_BYTES)?;
            files.push((p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string()), bytes));
        }
        self.voters_check(&files)
    }
}
