/**
 * Progress lines on stderr while the bench runs (phases take minutes at a million records), so
 * stdout carries only the result table.
 */
export type Say = (message: string) => void;

export function progressLine(write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Say {
  const started = performance.now();
  return (message) => {
    const s = Math.round((performance.now() - started) / 1000);
    const clock = `${String(Math.floor(s / 60)).padStart(3, " ")}:${String(s % 60).padStart(2, "0")}`;
    write(`[bench ${clock}] ${message}`);
  };
}

/** Calls `fn` at most once per `everyMs`; the last call's arguments win. */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, everyMs: number): (...args: A) => void {
  let last = 0;
  return (...args) => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    fn(...args);
  };
}
