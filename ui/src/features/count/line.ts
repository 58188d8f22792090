// What the recorder types at the counting desk, as a ballots-file line.

/** Keys only a person can judge (Art. 74 grounds 1, 2, 5), number-pad friendly. */
export const PERSON_KEYS: Record<string, string> = { "/": "khong_theo_mau", "*": "khong_co_dau", "+": "ghi_them" };

/**
 * What the recorder typed → a ballots-file line (interfaces.md §4).
 * With fewer than 10 candidates, digits need no separator: "135" = 1, 3, 5.
 */
export function toLine(raw: string, candidates: number): string {
  const t = raw.trim();
  if (t === "-" || t === "") return t;
  if (t.startsWith("INVALID")) return t;
  if (candidates < 10 && /^[0-9]+$/.test(t)) return t.split("").join(" ");
  return t.replace(/[.,+]/g, " ");
}

/** A line in one form for comparing (positions sorted). */
export const normalizeLine = (line: string) => line === "-" || line.startsWith("INVALID") ? line.trim()
  : line.trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b).join(" ");
