//! Màn hình cho hội trường (issue 15 item 6): what the room sees on the
//! wall — areas waiting / imported / refused, turnout per level, each
//! constituency's progress and, once complete, who is elected — read-only,
//! refreshed every few seconds, paged for 10,000 areas.
//!
//! One refresh must cost little however many areas there are: the data's
//! change mark ([`crate::DataMark`]: `PRAGMA data_version`, this
//! connection's own changes, the bundle store file) is read first, and when
//! nothing changed the last view is served again; when something changed,
//! the current area results' keys are read without copying, only rows not
//! seen before under the same key are read and parsed (an import brings a
//! few), the rest come from the cache, and only the constituencies whose
//! areas changed are summed again (exact arithmetic,
//! `core::results::aggregate`).

use std::collections::{HashMap, HashSet};

use tobaucu_core::minutes::Minutes;
use tobaucu_core::percent::Percent;
use tobaucu_core::results::{aggregate, AreaReport, CandidateInfo, ConstituencyInfo, Outcome};
use tobaucu_ipc::{ArrivalStatus, RoomAreaDto, RoomConstituencyDto, RoomDto, RoomElectedDto, RoomLevelDto, RoomQuery};
use tobaucu_store::{AreaKeyRef, AreaResultKey, DayRead};

use crate::{App, Result};

/// A constituency as the room shows it.
#[derive(Debug, Clone)]
struct RoomConstituency {
    info: ConstituencyInfo,
    name: String,
    level_name: String,
    names: HashMap<String, String>,
    decided_here: bool,
}

/// What does not change during the evening (from the definition), the
/// parsed area reports, and the last view.
#[derive(Debug, Default)]
pub(crate) struct RoomCache {
    mark: Option<crate::DataMark>,
    unit_name: String,
    test_mode: bool,
    levels: Vec<(String, String)>,
    constituencies: Vec<RoomConstituency>,
    /// Areas in scope, in definition order: (id, label).
    areas: Vec<(String, String)>,
    /// Area results read and parsed, by row id (`area_result.rowid`),
    /// each with the key it was read under: a row whose key is not the
    /// same at the next refresh is read again.
    reports: HashMap<i64, Seen>,
    /// Refresh count: the rows not met at this refresh are gone.
    generation: u64,
    /// Constituency id → its index in `constituencies` (and in the view).
    index: HashMap<String, usize>,
    view: View,
}

/// One area result as the room read it.
#[derive(Debug)]
struct Seen {
    bundle_id: i64,
    area: String,
    level: String,
    constituency: String,
    sha: String,
    report: AreaReport,
    generation: u64,
}

impl Seen {
    fn same(&self, k: &AreaKeyRef<'_>) -> bool {
        self.bundle_id == k.bundle_id && self.sha == k.minutes_sha256 && self.area == k.area_id && self.level == k.level && self.constituency == k.constituency_id
    }
}

/// The computed view, before paging.
#[derive(Debug, Default, Clone)]
struct View {
    status: Vec<ArrivalStatus>,
    levels: Vec<RoomLevelDto>,
    constituencies: Vec<RoomConstituencyDto>,
}

fn outcome_verdict(o: &Outcome, decided_here: bool, seats: u32) -> String {
    let seats_n = usize::try_from(seats).unwrap_or(usize::MAX);
    if !o.complete {
        if decided_here {
            format!("Đã có {}/{} khu vực", o.areas_reported, o.areas_expected)
        } else {
            format!("{}/{} khu vực ở địa bàn này; cấp trên xác định kết quả", o.areas_reported, o.areas_expected)
        }
    } else if o.revote_due {
        "Số cử tri đi bầu không quá một nửa: phải bầu cử lại".into()
    } else if o.additional_vote_due {
        format!("Trúng cử {}/{}: phải bầu cử thêm", o.elected.len(), seats)
    } else if o.elected.len() < seats_n {
        format!("Trúng cử {}/{}", o.elected.len(), seats)
    } else {
        format!("Đã bầu đủ {}/{} đại biểu", o.elected.len(), seats)
    }
}

impl App {
    /// The parts of the room that come from the definition alone.
    fn room_static(&self) -> Result<RoomCache> {
        let def = self.def()?;
        let (me, _) = self.board()?;
        let scope: Vec<&tobaucu_core::election::Area> = self.areas_in_scope()?;
        let in_scope: HashSet<&str> = scope.iter().map(|a| a.id.as_str()).collect();
        let mut areas_of: HashMap<&str, Vec<String>> = HashMap::new();
        for a in &def.areas {
            for cid in a.constituencies.values() {
                areas_of.entry(cid.as_str()).or_default().push(a.id.clone());
            }
        }
        let mut constituencies = Vec::new();
        for c in &def.constituencies {
            let areas = areas_of.remove(c.id.as_str()).unwrap_or_default();
            if !areas.iter().any(|a| in_scope.contains(a.as_str())) {
                continue;
            }
            let Some(level) = def.level(&c.level) else { continue };
            constituencies.push(RoomConstituency {
                decided_here: areas.iter().all(|a| in_scope.contains(a.as_str())),
                info: ConstituencyInfo {
                    id: c.id.clone(),
                    kind: level.kind,
                    seats: c.seats,
                    candidates: c.candidates.iter().map(|x| CandidateInfo { id: x.id.clone(), birth_date: x.birth_date }).collect(),
                    areas,
                },
                name: c.name.clone(),
                level_name: level.name.clone(),
                names: c.candidates.iter().map(|x| (x.id.clone(), x.name.clone())).collect(),
            });
        }
        Ok(RoomCache {
            mark: None,
            generation: 0,
            index: constituencies.iter().enumerate().map(|(i, c)| (c.info.id.clone(), i)).collect(),
            unit_name: def.unit(&me).map(|u| u.name.clone()).unwrap_or(me),
            test_mode: def.election.mode == tobaucu_core::election::Mode::Test,
            levels: def.levels.iter().map(|l| (l.code.clone(), l.name.clone())).collect(),
            constituencies,
            areas: scope.iter().map(|a| (a.id.clone(), format!("{}. {}", a.number, a.name))).collect(),
            reports: HashMap::new(),
            view: View::default(),
        })
    }

    /// Brings the cache up to date when the database changed.
    fn room_refresh(&self, cache: &mut RoomCache) -> Result<()> {
        let mark = self.data_mark()?;
        if cache.mark == Some(mark) {
            return Ok(());
        }
        let done = self.room_reread(cache);
        if done.is_ok() {
            cache.mark = Some(mark);
        } else {
            // Half read: every constituency is summed again next time.
            cache.view.constituencies.clear();
        }
        done
    }

    /// [`App::room_refresh`] after a change: the area results not seen
    /// before (or whose key changed) are read and parsed, the rows gone are
    /// dropped, and only the constituencies they belong to are summed again.
    fn room_reread(&self, cache: &mut RoomCache) -> Result<()> {
        cache.generation += 1;
        let generation = cache.generation;
        // Constituencies whose areas' reports changed: only they are
        // summed again (all of them at the first view).
        let mut dirty: HashSet<String> = HashSet::new();
        let mut fresh: Vec<(i64, AreaResultKey)> = Vec::new();
        self.store.each_current_area_key(&mut |k| match cache.reports.get_mut(&k.rowid) {
            Some(s) if s.same(k) => s.generation = generation,
            _ => fresh.push((
                k.rowid,
                AreaResultKey {
                    bundle_id: k.bundle_id,
                    area_id: k.area_id.to_owned(),
                    level: k.level.to_owned(),
                    constituency_id: k.constituency_id.to_owned(),
                    minutes_sha256: k.minutes_sha256.to_owned(),
                },
            )),
        })?;
        for (rowid, k) in fresh {
            // Read strictly, as the results are: the canonical document
            // whose SHA-256 the import recorded.
            let Some(data) = self.store.area_result_data(&k)? else { continue };
            if tobaucu_core::audit::sha256_hex(data.as_bytes()) != k.minutes_sha256 {
                continue;
            }
            let Ok(m) = Minutes::parse(data.as_bytes()) else { continue };
            if m.well_formed().is_err() || m.area.id != k.area_id || m.level.code != k.level {
                continue;
            }
            dirty.insert(k.constituency_id.clone());
            let seen = Seen { bundle_id: k.bundle_id, area: k.area_id, level: k.level, constituency: k.constituency_id, sha: k.minutes_sha256, report: AreaReport::from_minutes(&m), generation };
            if let Some(old) = cache.reports.insert(rowid, seen) {
                dirty.insert(old.constituency);
            }
        }
        cache.reports.retain(|_, s| {
            if s.generation != generation {
                dirty.insert(s.constituency.clone());
            }
            s.generation == generation
        });
        let mut imported: HashSet<&str> = HashSet::new();
        let mut turnout: HashMap<&str, (u64, u64)> = HashMap::new();
        let all = cache.view.constituencies.len() != cache.constituencies.len();
        let mut by_c: HashMap<&str, Vec<AreaReport>> = HashMap::new();
        for s in cache.reports.values() {
            imported.insert(s.area.as_str());
            let t = turnout.entry(s.level.as_str()).or_default();
            t.0 = t.0.saturating_add(s.report.voters_listed);
            t.1 = t.1.saturating_add(s.report.voters_voted);
            if all || dirty.contains(&s.constituency) {
                by_c.entry(s.constituency.as_str()).or_default().push(s.report.clone());
            }
        }
        let refused: HashSet<String> = self.store.refused_units()?.into_iter().collect();
        let status = cache
            .areas
            .iter()
            .map(|(id, _)| {
                if imported.contains(id.as_str()) {
                    ArrivalStatus::Imported
                } else if refused.contains(id) {
                    ArrivalStatus::Refused
                } else {
                    ArrivalStatus::Waiting
                }
            })
            .collect();
        let levels = cache
            .levels
            .iter()
            .map(|(code, name)| {
                let (l, v) = turnout.get(code.as_str()).copied().unwrap_or((0, 0));
                RoomLevelDto { code: code.into(), name: name.clone(), voters_listed: l, voters_voted: v, percent_vi: Percent::of(v, l).vi() }
            })
            .collect();
        let summed = |c: &RoomConstituency| {
            let o = aggregate(&c.info, by_c.get(c.info.id.as_str()).map(Vec::as_slice).unwrap_or(&[]));
            let elected = o
                .elected
                .iter()
                .map(|id| {
                    let i = c.info.candidates.iter().position(|x| &x.id == id).unwrap_or(usize::MAX);
                    RoomElectedDto { name: c.names.get(id).cloned().unwrap_or_default(), votes: o.votes.get(i).copied().unwrap_or(0), percent_vi: o.percent.get(i).copied().unwrap_or_default().vi() }
                })
                .collect();
            RoomConstituencyDto {
                id: c.info.id.clone(),
                name: c.name.clone(),
                level_name: c.level_name.clone(),
                seats: c.info.seats,
                areas_reported: o.areas_reported,
                areas_expected: o.areas_expected,
                complete: o.complete,
                turnout_vi: o.turnout.vi(),
                verdict: outcome_verdict(&o, c.decided_here, c.info.seats),
                elected,
            }
        };
        let mut constituencies = std::mem::take(&mut cache.view.constituencies);
        if all {
            constituencies = cache.constituencies.iter().map(summed).collect();
        } else {
            for i in dirty.iter().filter_map(|cid| cache.index.get(cid)) {
                if let (Some(c), Some(slot)) = (cache.constituencies.get(*i), constituencies.get_mut(*i)) {
                    *slot = summed(c);
                }
            }
        }
        cache.view = View { status, levels, constituencies };
        Ok(())
    }

    /// `room_view`: one page of the room screen. Nothing here writes.
    pub fn room_view(&mut self, q: &RoomQuery) -> Result<RoomDto> {
        let mut cache = match self.room.take() {
            Some(c) => c,
            None => self.room_static()?,
        };
        let refreshed = self.room_refresh(&mut cache);
        let dto = refreshed.map(|()| page(&cache, q));
        self.room = Some(cache);
        dto
    }
}

/// One page of the view.
fn page(c: &RoomCache, q: &RoomQuery) -> RoomDto {
    let v = &c.view;
    // Counts of at most the areas of one election: far below u32::MAX.
    let count = |s: ArrivalStatus| u32::try_from(v.status.iter().filter(|x| **x == s).count()).unwrap_or(u32::MAX);
    let pages = |n: usize, per: u32| -> u32 { u32::try_from(n.div_ceil(usize::try_from(per.max(1)).unwrap_or(1)).max(1)).unwrap_or(1) };
    let cpp = q.constituencies_per_page.clamp(1, 200);
    let app = q.areas_per_page.clamp(1, 2000);
    let c_pages = pages(v.constituencies.len(), cpp);
    let shown: Vec<usize> = (0..c.areas.len()).filter(|i| !q.waiting_only || v.status.get(*i).copied() != Some(ArrivalStatus::Imported)).collect();
    let a_pages = pages(shown.len(), app);
    let cp = q.constituency_page % c_pages;
    let ap = q.area_page % a_pages;
    let slice = |total: usize, page: u32, per: u32| -> std::ops::Range<usize> {
        let per = usize::try_from(per).unwrap_or(1);
        let start = usize::try_from(page).unwrap_or(0).saturating_mul(per).min(total);
        start..start.saturating_add(per).min(total)
    };
    RoomDto {
        unit_name: c.unit_name.clone(),
        test_mode: c.test_mode,
        areas_expected: u32::try_from(c.areas.len()).unwrap_or(u32::MAX),
        areas_imported: count(ArrivalStatus::Imported),
        areas_refused: count(ArrivalStatus::Refused),
        areas_waiting: count(ArrivalStatus::Waiting),
        levels: v.levels.clone(),
        constituencies_total: u32::try_from(v.constituencies.len()).unwrap_or(u32::MAX),
        constituencies_complete: u32::try_from(v.constituencies.iter().filter(|x| x.complete).count()).unwrap_or(u32::MAX),
        constituency_page: cp,
        constituency_pages: c_pages,
        constituencies: v.constituencies[slice(v.constituencies.len(), cp, cpp)].to_vec(),
        area_page: ap,
        area_pages: a_pages,
        areas: shown[slice(shown.len(), ap, app)]
            .iter()
            .map(|&i| RoomAreaDto { id: c.areas[i].0.clone(), label: c.areas[i].1.clone(), status: v.status.get(i).copied().unwrap_or(ArrivalStatus::Waiting) })
            .collect(),
    }
}
