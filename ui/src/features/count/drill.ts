// Diễn tập kiểm phiếu (rehearsal only, writes nothing): a random deck read
// aloud on screen, typed as at the desk, then scored for speed and accuracy.
import { h } from "../../ui";
import { normalizeLine, PERSON_KEYS, toLine } from "./line";
import type { CountState } from "./state";

/** What the reader says and what the recorder must type, for a random deck. */
type DrillBallot = { say: string; line: string };

function deck(st: CountState, n: number, seats: number): DrillBallot[] {
  const cands = st.live?.candidates ?? [];
  const out: DrillBallot[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    if (r < 0.05) out.push({ say: "gạch hết tên", line: "-" });
    else if (r < 0.08) out.push({ say: "không có dấu của Tổ bầu cử", line: "INVALID khong_co_dau" });
    else if (r < 0.10) out.push({ say: "không theo mẫu quy định", line: "INVALID khong_theo_mau" });
    else if (r < 0.12) out.push({ say: "có ghi thêm tên người ngoài danh sách", line: "INVALID ghi_them" });
    else {
      const k = 1 + Math.floor(Math.random() * Math.max(1, Math.min(seats, cands.length)));
      const pos = cands.map((c) => c.position).sort(() => Math.random() - 0.5).slice(0, k).sort((a, b) => a - b);
      out.push({ say: `giữ ${pos.map((p) => `${p}. ${cands[p - 1]?.name ?? ""}`).join("; ")}`, line: pos.join(" ") });
    }
  }
  return out;
}

export function drillPanel(st: CountState): HTMLElement {
  const size = h("select", { id: "drill-size" }, ...[10, 20, 40].map((n) => h("option", { value: String(n), selected: n === 20 }, `${n} phiếu`)));
  const read = h("div", { class: "drill-read", id: "drill-read", "aria-live": "assertive" }, "Nhấn “Bắt đầu”: từng phiếu được đọc ở đây như người đọc phiếu đọc to; gõ như ở bàn kiểm phiếu rồi Enter.");
  const inp = h("input", { id: "drill-input", class: "desk-input", autocomplete: "off", inputmode: "numeric", disabled: true, placeholder: "Gõ phiếu vừa đọc (135, -, /, *, +), Enter" });
  const score = h("div", { id: "drill-score", role: "status" });
  let cards: DrillBallot[] = [];
  let at = 0;
  let shownAt = 0;
  const answers: { typed: string; ok: boolean; ms: number }[] = [];
  const show = () => {
    read.textContent = `Phiếu ${at + 1}/${cards.length}: ${cards[at].say}`;
    shownAt = performance.now();
    inp.value = "";
    inp.focus();
  };
  const finish = () => {
    inp.value = "";
    inp.disabled = true;
    const right = answers.filter((a) => a.ok).length;
    const secs = answers.reduce((t, a) => t + a.ms, 0) / 1000 / Math.max(1, answers.length);
    const wrong = answers.map((a, i) => ({ a, i })).filter(({ a }) => !a.ok);
    read.textContent = "Hết phiếu diễn tập.";
    score.replaceChildren(
      h("p", { class: right === answers.length ? "all-ok" : "verdict warn", id: "drill-result" },
        `Đúng ${right}/${answers.length} phiếu (${Math.round((100 * right) / Math.max(1, answers.length))}%) · trung bình ${secs.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} giây mỗi phiếu`),
      wrong.length ? h("ul", {}, ...wrong.map(({ a, i }) => h("li", {}, `Phiếu ${i + 1}: gõ “${a.typed || "(trống)"}”, đúng là “${cards[i].line}” (${cards[i].say})`))) : "",
      h("p", { class: "hint" }, "Không có gì được ghi vào số liệu: đây chỉ là luyện tập."));
  };
  const start = h("button", { class: "secondary", id: "drill-start", onclick: () => {
    cards = deck(st, Number(size.value), st.summary?.seats ?? 1);
    at = 0;
    answers.length = 0;
    score.replaceChildren();
    inp.disabled = false;
    show();
  } }, "Bắt đầu");
  inp.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (PERSON_KEYS[e.key] && inp.value.trim() === "") { e.preventDefault(); inp.value = `INVALID ${PERSON_KEYS[e.key]}`; return; }
    if (e.key !== "Enter" && e.key !== "NumpadEnter") return;
    e.preventDefault();
    if (at >= cards.length) return;
    const typed = toLine(inp.value, st.live?.candidates.length ?? 0);
    answers.push({ typed, ok: normalizeLine(typed) === normalizeLine(cards[at].line), ms: performance.now() - shownAt });
    at++;
    if (at < cards.length) show(); else finish();
  });
  return h("details", { class: "panel", id: "drill-panel" },
    h("summary", {}, "Diễn tập kiểm phiếu: đọc — gõ — chấm điểm"),
    h("p", { class: "hint" }, "Một xấp phiếu ngẫu nhiên của cấp này; người đọc đọc to dòng trên, người ghi gõ như thật. Cuối xấp: tỷ lệ đúng và số giây mỗi phiếu. Không ghi gì vào số liệu."),
    h("div", { class: "toolbar" }, size, start), read, inp, score);
}
