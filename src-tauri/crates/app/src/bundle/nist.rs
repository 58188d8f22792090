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

use serde_json::{json, Value};

use super::book::Book;
use crate::{Error, Result};

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

/// The report as a JSON value.
pub(crate) fn report_value(book: &Book) -> Value {
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
    for a in &book.areas {
        gp.push(json!({"@id": area_gp(&a.id), "@type": "ElectionResults.ReportingUnit", "Type": "precinct", "Name": text(&a.name), "Number": a.number.to_string(),
                       "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": a.id})]}));
    }
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
            let selections: Vec<Value> = b
                .candidates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let counts: Vec<Value> = b
                        .lines
                        .iter()
                        .map(|l| json!({"@type": "ElectionResults.VoteCounts", "GpUnitId": area_gp(&l.area_id), "Type": "total", "Count": l.votes.get(i).copied().unwrap_or(0)}))
                        .collect();
                    json!({"@id": format!("sel-{}", c.id), "@type": "ElectionResults.CandidateSelection", "CandidateIds": [format!("cand-{}", c.id)], "SequenceOrder": i + 1, "VoteCounts": counts})
                })
                .collect();
            let seats = u128::from(b.seats);
            let under: Vec<Value> = b
                .lines
                .iter()
                .map(|l| {
                    let sum: u128 = l.votes.iter().map(|v| u128::from(*v)).sum();
                    let u = (seats * u128::from(l.figs.valid)).saturating_sub(sum);
                    json!({"@type": "ElectionResults.OtherCounts", "GpUnitId": area_gp(&l.area_id), "Undervotes": u64::try_from(u).unwrap_or(u64::MAX)})
                })
                .collect();
            contests.push(json!({
                "@id": format!("contest-{}", b.id), "@type": "ElectionResults.CandidateContest", "Name": b.name,
                "ElectionDistrictId": constituency_gp(&b.id), "VotesAllowed": b.seats, "NumberElected": b.seats, "VoteVariation": "n-of-m",
                "SubUnitsReported": b.areas_reported, "TotalSubUnits": b.areas_expected,
                "CountStatus": [json!({"@type": "ElectionResults.CountStatus", "Status": if b.complete { "completed" } else { "in-process" }, "Type": "total"})],
                "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": b.id})],
                "ContestSelection": selections, "OtherCounts": under,
            }));
            ballots.extend(
                b.lines
                    .iter()
                    .map(|l| json!({"@type": "ElectionResults.BallotCounts", "GpUnitId": area_gp(&l.area_id), "Type": "total", "BallotsCast": l.figs.received, "BallotsRejected": l.figs.invalid})),
            );
        }
        let done = blocks.iter().all(|b| b.complete);
        elections.push(json!({
            "@type": "ElectionResults.Election", "Name": text(name), "Type": "general", "StartDate": book.election_date, "EndDate": book.election_date,
            "ElectionScopeId": scope, "ExternalIdentifier": [json!({"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": code})],
            "Candidate": candidates, "Contest": contests, "BallotCounts": ballots,
            "CountStatus": [json!({"@type": "ElectionResults.CountStatus", "Status": if done { "completed" } else { "in-process" }, "Type": "total"})],
        }));
    }
    let complete = if book.team { book.blocks.iter().all(|b| b.verdict.contains("đã khóa")) } else { book.areas.iter().all(|a| a.status == "imported") };
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
    report
}

/// The report's bytes (compact JSON, UTF-8).
pub(crate) fn report(book: &Book) -> Result<Vec<u8>> {
    serde_json::to_vec(&report_value(book)).map_err(|e| Error::Internal(format!("không ghi được tệp NIST: {e}")))
}
