import type { Classification } from "@/lib/domain/codes";
import { CATEGORY_LABELS } from "@/lib/domain/colours";

const numbers = new Intl.NumberFormat("en-AU");

export const formatCount = (n: number) => numbers.format(n);

/** HUMAN_OBSERVATION → "Human observation". */
export function formatBasisOfRecord(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "2019-03-02" → "2 Mar 2019" (a date without a time zone stays that day). */
export function formatDate(isoDay: string): string {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-AU", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString("en-AU", { dateStyle: "medium", timeStyle: "short" });
}

/** "3 minutes ago", for the last sync. */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [["day", 86_400], ["hour", 3_600], ["minute", 60]];
  const rtf = new Intl.RelativeTimeFormat("en-AU", { numeric: "auto" });
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return rtf.format(-Math.round(seconds / size), unit);
  return "just now";
}

export function formatMetres(m: number): string {
  return m >= 1000 ? `${numbers.format(Math.round(m / 100) / 10)} km` : `${numbers.format(Math.round(m))} m`;
}

export const categoryLabel = (c: Classification) => CATEGORY_LABELS[c];
