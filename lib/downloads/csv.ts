import type { Value } from "./columns";

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text
 * that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe
 * (OWASP's CSV injection advice); numbers are written as they are.
 */
export function csvField(value: Value): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record, CRLF-terminated as RFC 4180 says. */
export function csvLine(values: readonly Value[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
