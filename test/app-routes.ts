/**
 * Edgar's pages and route handlers, read from app/ (the file system is Next.js's router), so
 * the read-side property tests cover every one, those added later included.
 */
import fs from "node:fs";
import path from "node:path";

const APP = path.resolve(import.meta.dirname, "..", "app");

export interface AppEntry {
  /** The file, relative to the project root (app/...). */
  file: string;
  /** The address with its dynamic segments as `{name}` (`{...name}` for catch-alls). */
  pattern: string;
  /** The dynamic segments' names, in order. */
  segments: string[];
  /** The HTTP methods a route file exports (GET, POST, …); empty for pages. */
  methods: string[];
}

function walk(dir: string, name: "route.ts" | "page.tsx", trail: string[] = []): AppEntry[] {
  const entries: AppEntry[] = [];
  for (const item of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (item.isFile() && item.name === name) {
      const segments = trail.filter((s) => s.startsWith("[")).map((s) => s.replace(/^\[(\.\.\.)?|\]$/g, ""));
      const pattern = `/${trail.map((s) => s.replace(/^\[(\.\.\.)?(.+)\]$/, (_, dots, n) => `{${dots ?? ""}${n}}`)).join("/")}`;
      const source = fs.readFileSync(path.join(dir, item.name), "utf8");
      const methods = [...source.matchAll(/^export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/gm)].map((m) => m[1]);
      entries.push({ file: path.relative(path.dirname(APP), path.join(dir, item.name)), pattern, segments, methods });
    }
    // Private folders (_x) are no routes; route groups ((x)) add no segment.
    if (item.isDirectory() && !item.name.startsWith("_")) {
      walk(path.join(dir, item.name), name, item.name.startsWith("(") ? trail : [...trail, item.name]).forEach((e) => entries.push(e));
    }
  }
  return entries;
}

/** Every route handler file (route.ts). */
export const appRouteFiles = (): AppEntry[] => walk(APP, "route.ts");

/** Every route handler file that answers GET. */
export const appGetRoutes = (): AppEntry[] => appRouteFiles().filter((e) => e.methods.includes("GET"));

/** Every page (page.tsx). */
export const appPages = (): AppEntry[] => walk(APP, "page.tsx");

/** The address of `entry` with its segments filled in (each encoded as a path segment). */
export function fillPattern(entry: AppEntry, values: Record<string, string>): string {
  return entry.pattern.replace(/\{(?:\.\.\.)?([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name]));
}
