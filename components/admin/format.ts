import { formatCount } from "@/components/species/format";

/** 42 s · 3 min 05 s · 2 h 07 min */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** "1,234/s", or "0.4/s" for slow phases. */
export function formatRate(perSecond: number): string {
  return perSecond >= 10 ? `${formatCount(Math.round(perSecond))}/s` : `${perSecond.toFixed(1)}/s`;
}

/** A signed difference: +7, −3, 0. */
export function formatDifference(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : "0";
}
