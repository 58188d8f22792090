// The counting screen's shared state: the level on screen, how it is
// counted, the running figures and where messages go. Each part of the
// screen (kiểm kê, desk, tally sheet, checks, drill) reads and updates it.
import type { LevelDto, LiveTallyDto, SummaryDto } from "../../bindings/ipc";

/** Ballot by ballot at the desk, or the paper tally sheet typed twice. */
export type Mode = "desk" | "tally";

export interface CountState {
  readonly levels: LevelDto[];
  level: string;
  mode: Mode;
  live: LiveTallyDto | null;
  summary: SummaryDto | null;
  /** The batch (lượt nhập) ballots go to; null: the current one. */
  batch: number | null;
  /** Where refusals are shown. */
  readonly msg: HTMLElement;
  /** Reads the level again and repaints the screen. */
  load: () => Promise<void>;
}
