// What every screen is given by the shell (main.ts): the status, a way to
// read it again, and a way to change screen. Screens import this module,
// never main.ts (which imports every screen).
import type { StatusDto } from "./bindings/ipc";

export type Screen = "setup" | "voters" | "desk" | "turnout" | "count" | "minutes" | "bundle" | "desks" | "board";

export interface Ctx {
  status: StatusDto;
  refresh: () => Promise<void>;
  go: (s: Screen) => void;
}
