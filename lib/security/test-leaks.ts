/**
 * Test helper: finds coordinates in text however they were written — rounded or truncated to 3–6
 * decimals, or at full precision (double or float32), with or without the minus sign — so a leak
 * is caught whether it went through JSON, CSV, WKT or a log line.
 */
export interface Point {
  lat: number;
  lon: number;
}

const truncate = (v: number, d: number) => (Math.trunc(v * 10 ** d) / 10 ** d).toFixed(d);
const escape = (s: string) => s.replace(/[.]/g, "\\.");

/** A function listing the forms of `points` found in a text (empty: none). */
export function leakFinder(points: readonly Point[]): (text: string) => string[] {
  const forms = new Set<string>();
  for (const p of points) {
    for (const v of [p.lat, p.lon, Math.fround(p.lat), Math.fround(p.lon)]) {
      // Shorter forms are prefixes of the longer ones, so a number written to any precision ≥ 3 matches.
      for (const d of [3, 4, 5, 6]) for (const s of [v.toFixed(d), truncate(v, d)]) forms.add(s.replace(/^-/, ""));
    }
  }
  // Not inside another number, nor the seconds of a time ("14:33.856Z").
  const pattern = new RegExp(`(?<![\\d.:])(?:${[...forms].map(escape).join("|")})`, "g");
  return (text) => [...new Set(text.match(pattern) ?? [])];
}
