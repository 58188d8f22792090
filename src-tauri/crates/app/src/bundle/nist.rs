//! Results as a NIST SP 1500-100 version 2 Election Results Reporting
//! document (JSON; issue 15 item 2). The mapping is documented in
//! `docs/nist-mapping.md`; the tests validate every report against the
//! official JSON schema (`tests/fixtures/nist_err_v2.schema.json`).
//!
//! * GpUnit: the units above the areas (nation → `country`; province,
//!   district, commune → `other` naming the tier), each polling area
//!   (`precinct`), each constituency (`other`, "constituency").
//! * One Election per level; one CandidateContest per constituency with
//!   `VotesAllowed` = `NumberElected` = seats (`n-of-m`); a
//!   CandidateSelection per candidate with its VoteCounts per area; the
//!   area's ballots cast (phiếu thu vào) and rejected (không hợp lệ) in the
//!   Election's BallotCounts; undervotes per area so that seats × valid =
//!   Σ votes + undervotes; winners marked once the constituency is complete.
//! * `IsTest` in a rehearsal; `Status` `correction` when a later revision
//!   replaced an earlier one; each bundle's SHA-256 as an ExternalIdentifier.
//!
//! What the standard has no slot for stays out: the five grounds of invalid
//! ballots (Art. 74), voters listed and voters who voted per level, ballots
//! issued, declared rounds after the first.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::book::Book;
use crate::{Error, Result};

// The report's largest parts — a line per area and candidate — as plain
// structs serialized straight to text (fields in the order serde_json
// writes a map's keys, so the bytes are the same as a value's).

#[derive(Serialize)]
struct LanguageString<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Content")]
    content: &'a str,
    #[serde(rename = "Language")]
    language: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Text")]
    text: [LanguageString<'a>; 1],
}

fn text_of(s: &str) -> Text<'_> {
    Text { kind: "ElectionResults.InternationalizedText", text: [LanguageString { kind: "ElectionResults.LanguageString", content: s, language: "vi" }] }
}

#[derive(Serialize)]
struct LocalId<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Type")]
    type_: &'static str,
    #[serde(rename = "Value")]
    value: &'a str,
}

fn local_id(value: &str) -> [LocalId<'_>; 1] {
    [LocalId { kind: "ElectionResults.ExternalIdentifier", type_: "local-level", value }]
}

/// A polling area's ReportingUnit.
#[derive(Serialize)]
struct Precinct<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "ExternalIdentifier")]
    external: [LocalId<'a>; 1],
    #[serde(rename = "Name")]
    name: Text<'a>,
    #[serde(rename = "Number")]
    number: String,
    #[serde(rename = "Type")]
    type_: &'static str,
}

#[derive(Serialize)]
struct VoteCounts<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Count")]
    count: u64,
    #[serde(rename = "GpUnitId")]
    gp_unit: &'a str,
    #[serde(rename = "Type")]
    type_: &'static str,
}

#[derive(Serialize)]
struct Undervotes<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "GpUnitId")]
    gp_unit: &'a str,
    #[serde(rename = "Undervotes")]
    undervotes: u64,
}

#[derive(Serialize)]
struct BallotCounts<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "BallotsCast")]
    cast: u64,
    #[serde(rename = "BallotsRejected")]
    rejected: u64,
    #[serde(rename = "GpUnitId")]
    gp_unit: &'a str,
    #[serde(rename = "Type")]
    type_: &'static str,
}

/// Where the large parts go. `Text`: each is serialized once to JSON text
/// and a placeholder string stands in the value, replaced in the report's
/// text ([`report`]); `Values`: each becomes a value (the fallback when a
/// placeholder's text could be met elsewhere in the report).
enum Parts {
    Text(Vec<String>),
    Values,
}

/// The placeholder of part `i` as serde_json writes it: a string of a
/// control character no definition text normally holds, and an index.
const MARK_OPEN: &str = "\"\\u0001nist:";
const MARK_CLOSE: &str = "\\u0001\"";

impl Parts {
    fn placeholder(texts: &mut Vec<String>, text: String) -> Value {
        texts.push(text);
        Value::String(format!("\u{1}nist:{}\u{1}", texts.len() - 1))
    }

    /// `items` as a whole array.
    fn array<T: Serialize>(&mut self, items: &[T]) -> Result<Value> {
        match self {
            Parts::Text(texts) => Ok(Self::placeholder(texts, serde_json::to_string(items).map_err(nist_error)?)),
            Parts::Values => serde_json::to_value(items).map_err(nist_error),
        }
    }

    /// `items` as elements of `into`.
    fn extend<T: Serialize>(&mut self, items: &[T], into: &mut Vec<Value>) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        match self {
            Parts::Text(texts) => {
                let t = serde_json::to_string(items).map_err(nist_error)?;
                // The elements without the brackets.
                let inner = t.get(1..t.len().saturating_sub(1)).unwrap_or_default().to_owned();
                into.push(Self::placeholder(texts, inner));
            }
            Parts::Values => {
                for x in items {
                    into.push(serde_json::to_value(x).map_err(nist_error)?);
                }
            }
        }
        Ok(())
    }
}

fn nist_error(e: serde_json::Error) -> Error {
    Error::Internal(format!("không ghi được tệp NIST: {e}"))
}

/// `text` with each placeholder replaced by its part; None when a
/// placeholder is not met exactly once (some text of the report looks
/// like one).
fn splice(text: &str, parts: &[String]) -> Option<String> {
    let mut out = String::with_capacity(text.len() + parts.iter().map(String::len).sum::<usize>());
    let mut used = vec![false; parts.len()];
    let mut rest = text;
    while let Some(at) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARK_OPEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let i: usize = after[..digits].parse().ok()?;
        if !after[digits..].starts_with(MARK_CLOSE) || std::mem::replace(used.get_mut(i)?, true) {
            return None;
        }
        out.push_str(&parts[i]);
        rest = &after[digits + MARK_CLOSE.len()..];
    }
    out.push_str(rest);
    used.iter().all(|u| *u).then_some(out)
}

/// `InternationalizedText` in Vietnamese.
fn text(s: &str) -> Value {
    json!({"@type": "ElectionResults.InternationalizedText", "Text": [{"@type": "ElectionResults.LanguageString", "Content": s, "Language": "vi"}]})
}

fn ext(kind: &str, value: &str) -> Value {
    json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "other", "OtherType": kind, "Value": value})
}

pub(crate) fn unit_gp(id: &str) -> String {
    format!("gp-unit-{id}")
}
pub(crate) fn area_gp(id: &str) -> String {
    format!("gp-area-{id}")
}
pub(crate) fn constituency_gp(id: &str) -> String {
    format!("gp-cons-{id}")
}

/// The report as a JSON value, its large parts as `parts` says.
fn report_value(book: &Book, parts: &mut Parts) -> Result<Value> {
    let mut gp: Vec<Value> = Vec::new();
    // Units: children are units, or the areas of a commune.
    let mut children: HashMap<&str, Vec<String>> = HashMap::new();
    for (id, _, _, parent) in &book.units {
        if let Some(p) = parent {
            children.entry(p.as_str()).or_default().push(unit_gp(id));
        }
    }
    let mut areas_of_commune: HashMap<&str, Vec<String>> = HashMap::new();
    for a in &book.areas {
        areas_of_commune.entry(a.commune_id.as_str()).or_default().push(area_gp(&a.id));
    }
    for (id, kind, name, _) in &book.units {
        let mut u = json!({"@id": unit_gp(id), "@type": "ElectionResults.ReportingUnit", "Name": text(name), "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": id})]});
        if kind == "nation" {
            u["Type"] = json!("country");
        } else {
            u["Type"] = json!("other");
            u["OtherType"] = json!(kind);
        }
        let mut comp: Vec<String> = children.get(id.as_str()).cloned().unwrap_or_default();
        comp.extend(areas_of_commune.get(id.as_str()).cloned().unwrap_or_default());
        if !comp.is_empty() {
            u["ComposingGpUnitIds"] = json!(comp);
        }
        gp.push(u);
    }
    let precincts: Vec<Precinct<'_>> = book
        .areas
        .iter()
        .map(|a| Precinct { id: area_gp(&a.id), kind: "ElectionResults.ReportingUnit", external: local_id(&a.id), name: text_of(&a.name), number: a.number.to_string(), type_: "precinct" })
        .collect();
    parts.extend(&precincts, &mut gp)?;
    let in_scope: std::collections::HashSet<&str> = book.areas.iter().map(|a| a.id.as_str()).collect();
    for b in &book.blocks {
        let comp: Vec<String> = b.lines.iter().map(|l| l.area_id.as_str()).filter(|a| in_scope.contains(a)).map(area_gp).collect();
        gp.push(json!({"@id": constituency_gp(&b.id), "@type": "ElectionResults.ReportingUnit", "Type": "other", "OtherType": "constituency",
                       "Name": text(&format!("{} — {}", b.name, b.level_name)), "ComposingGpUnitIds": comp,
                       "SubUnitsReported": b.areas_reported, "TotalSubUnits": b.areas_expected, "IsDistricted": true,
                       "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": b.id})]}));
    }
    let mut persons: Vec<Value> = Vec::new();
    let mut elections: Vec<Value> = Vec::new();
    let scope = if book.team { area_gp(&book.unit_id) } else { unit_gp(&book.unit_id) };
    for (code, name) in &book.levels {
        let blocks: Vec<&super::book::Block> = book.blocks.iter().filter(|b| &b.level == code).collect();
        if blocks.is_empty() {
            continue;
        }
        let mut candidates = Vec::new();
        let mut contests = Vec::new();
        let mut ballots = Vec::new();
        for b in &blocks {
            for c in &b.candidates {
                persons.push(json!({"@id": format!("person-{}", c.id), "@type": "ElectionResults.Person", "FullName": text(&c.name), "DateOfBirth": c.birth_date, "Gender": c.gender}));
                let mut cand = json!({"@id": format!("cand-{}", c.id), "@type": "ElectionResults.Candidate", "BallotName": text(&c.name), "PersonId": format!("person-{}", c.id),
                                      "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": c.id})]});
                if b.complete {
                    cand["PostElectionStatus"] = json!(if b.elected.contains(&c.id) { "winner" } else { "defeated" });
                }
                candidates.push(cand);
            }
            // Each area's unit id, once per constituency.
            let gps: Vec<String> = b.lines.iter().map(|l| area_gp(&l.area_id)).collect();
            let mut selections: Vec<Value> = Vec::with_capacity(b.candidates.len());
            for (i, c) in b.candidates.iter().enumerate() {
                let counts: Vec<VoteCounts<'_>> =
                    b.lines.iter().zip(&gps).map(|(l, gp)| VoteCounts { kind: "ElectionResults.VoteCounts", count: l.votes.get(i).copied().unwrap_or(0), gp_unit: gp, type_: "total" }).collect();
                selections.push(json!({"@id": format!("sel-{}", c.id), "@type": "ElectionResults.CandidateSelection", "CandidateIds": [format!("cand-{}", c.id)], "SequenceOrder": i + 1, "VoteCounts": parts.array(&counts)?}));
            }
            let seats = u128::from(b.seats);
            let under: Vec<Undervotes<'_>> = b
                .lines
                .iter()
                .zip(&gps)
                .map(|(l, gp)| {
                    let sum: u128 = l.votes.iter().map(|v| u128::from(*v)).sum();
                    let u = (seats * u128::from(l.figs.valid)).saturating_sub(sum);
                    Undervotes { kind: "ElectionResults.OtherCounts", gp_unit: gp, undervotes: u64::try_from(u).unwrap_or(u64::MAX) }
                })
                .collect();
            contests.push(json!({
                "@id": format!("contest-{}", b.id), "@type": "ElectionResults.CandidateContest", "Name": b.name,
                "ElectionDistrictId": constituency_gp(&b.id), "VotesAllowed": b.seats, "NumberElected": b.seats, "VoteVariation": "n-of-m",
                "SubUnitsReported": b.areas_reported, "TotalSubUnits": b.areas_expected,
                "CountStatus": [json!({"@type": "ElectionResults.CountStatus", "Status": if b.complete { "completed" } else { "in-process" }, "Type": "total"})],
                "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": b.id})],
                "ContestSelection": selections, "OtherCounts": parts.array(&under)?,
            }));
            let counted: Vec<BallotCounts<'_>> =
                b.lines.iter().zip(&gps).map(|(l, gp)| BallotCounts { kind: "ElectionResults.BallotCounts", cast: l.figs.received, rejected: l.figs.invalid, gp_unit: gp, type_: "total" }).collect();
            parts.extend(&counted, &mut ballots)?;
        }
        let done = blocks.iter().all(|b| b.complete);
        elections.push(json!({
            "@type": "ElectionResults.Election", "Name": text(name), "Type": "general", "StartDate": book.election_date, "EndDate": book.election_date,
            "ElectionScopeId": scope, "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": code})],
            "Candidate": candidates, "Contest": contests, "BallotCounts": ballots,
            "CountStatus": [json!({"@type": "ElectionResults.CountStatus", "Status": if done { "completed" } else { "in-process" }, "Type": "total"})],
        }));
    }
    let complete = if book.team { book.blocks.iter().all(|b| b.verdict.contains("đã khóa")) } else { book.areas.iter().all(|a| a.status == Some(tobaucu_ipc::ArrivalStatus::Imported)) };
    let status = if book.correction {
        "correction"
    } else if complete {
        "unofficial-complete"
    } else {
        "unofficial-partial"
    };
    let mut ids: Vec<Value> = vec![ext("tobaucu-election-id", &book.election_id)];
    for s in &book.sources {
        let mut e = ext("tobaucu-bundle-sha256", &s.sha256);
        e["Label"] = json!(format!("{} gói số {} · mã {}", s.unit, s.sequence, s.short()));
        ids.push(e);
    }
    let mut report = json!({
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": book.generated_at,
        "Issuer": book.unit_name,
        "IssuerAbbreviation": book.unit_id,
        "IsTest": book.test_mode,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": status,
        "VendorApplicationId": format!("Tổ Bầu Cử {}", super::export::APP_VERSION),
        "Notes": format!("{} — {}. Số liệu cộng từ biên bản của từng khu vực bỏ phiếu; phiếu không hợp lệ theo năm lý do (Điều 74), tổng số cử tri và số phiếu phát ra không có chỗ trong chuẩn này: xem tệp .xlsx/.csv cùng nguồn.", book.election_name, book.unit_name),
        "ExternalIdentifier": ids,
        "GpUnit": gp,
        "Person": persons,
        "Election": elections,
    });
    if book.test_mode {
        report["TestType"] = json!("diễn tập (chế độ thử nghiệm)");
    }
    Ok(report)
}

/// The report's bytes (compact JSON, UTF-8): the value's, written without
/// building a value for each area's lines.
pub(crate) fn report(book: &Book) -> Result<Vec<u8>> {
    let mut parts = Parts::Text(Vec::new());
    let skeleton = serde_json::to_string(&report_value(book, &mut parts)?).map_err(nist_error)?;
    if let Parts::Text(texts) = &parts {
        if let Some(whole) = splice(&skeleton, texts) {
            return Ok(whole.into_bytes());
        }
    }
    serde_json::to_vec(&report_value(book, &mut Parts::Values)?).map_err(nist_error)
}

#[cfg(test)]
mod tests {
    use super::{report, report_value, splice, Parts};

    #[test]
    fn the_report_is_its_value_written_out_and_a_lookalike_text_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = super::super::day::tests::board(dir.path(), 25);
        let mut book = app.book().unwrap();
        let whole = |book: &super::Book| serde_json::to_vec(&report_value(book, &mut Parts::Values).unwrap()).unwrap();
        assert_eq!(report(&book).unwrap(), whole(&book));
        // A candidate named like a placeholder: the same bytes, by the value.
        book.blocks[0].candidates[0].name = "\u{1}nist:0\u{1}".into();
        book.blocks[0].candidates[1].name = "\u{1}nist:".into();
        book.areas[0].name = "\u{1}nist:1\u{1}".into();
        assert_eq!(report(&book).unwrap(), whole(&book));
        assert_eq!(splice(r#"["\u0001nist:0\u0001","\u0001nist:0\u0001"]"#, &["1".into()]), None);
        assert_eq!(splice(r#"["\u0001nist:0\u0001",2]"#, &["1".into()]).as_deref(), Some("[1,2]"));
    }
}
