/**
 * A bench result as JSON (bench/results/<date>.json), as a markdown table with each figure beside
 * its goal, and that table kept in docs/performance.md (one section per record count, between
 * markers, so the hand-written analysis around it stays).
 */
import fs from "node:fs";
import path from "node:path";
import type { BenchResult } from "./bench";
import { ROOT } from "./child";
import type { ReclassifyKind } from "./reclassify";

export interface Goal {
  measure: string;
  value: string;
  goal: string;
  /** null: no goal, or not measurable in this run. */
  met: boolean | null;
}

const n = (v: number) => Math.round(v).toLocaleString("en").replace(/,/g, " ");
const mb = (bytes: number | null) => {
  if (bytes === null) return "n/a";
  const v = bytes / 1_048_576;
  return `${v < 10 ? v.toFixed(1) : n(v)} MiB`;
};
const ms = (v: number) => (v >= 100 ? `${n(v)} ms` : `${v.toFixed(v >= 10 ? 1 : 2)} ms`);
const s = (v: number) => `${v.toFixed(1)} s`;
const micro = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(1)} µs`);

const phases = (p: Record<string, number>) =>
  Object.entries(p)
    .filter(([, sec]) => sec >= 0.05)
    .map(([name, sec]) => `${name} ${s(sec)}`)
    .join(", ");

export function goals(r: BenchResult): Goal[] {
  const species = `${r.simulator.largestSpecies.scientificName}, ${n(r.simulator.largestSpecies.records)} records`;
  const t = r.tiles;
  const p = r.postgis;
  const speedup = p.available ? p.warm.p95 / t.warm.p95 : null;
  const c = r.clientClustering;
  const i = r.import;
  const si = r.searchImport;
  const count = (kind: ReclassifyKind) => r.reclassify.cases.filter((x) => x.kind === kind).length;
  return [
    {
      measure: "Full import through offline downloads, simulator → PostgreSQL with ratings",
      value: `${n(i.recordsPerSecond)} records/s (${n(r.storage.records)} stored in ${s(i.seconds)})`,
      goal: "≥ 50 000 records/s",
      met: i.recordsPerSecond >= 50_000,
    },
    {
      measure: "The same import with its zips already made (the ALA's work done elsewhere, as on its own machines)",
      value: `${n(r.zipsReadyImport.recordsPerSecond)} records/s (${s(r.zipsReadyImport.seconds)})`,
      goal: "≥ 50 000 records/s",
      met: r.zipsReadyImport.recordsPerSecond >= 50_000,
    },
    {
      measure: "The same import by search paging (the simulator's page depth off: against the ALA this path stops at 5 000 records a species)",
      value: `${n(si.recordsPerSecond)} records/s (${s(si.seconds)})`,
      goal: "",
      met: null,
    },
    {
      measure: "Importer CPU per record: downloads / search",
      value: `${micro(i.importerMicrosPerRecord)} / ${micro(si.importerMicrosPerRecord)}`,
      goal: "≤ 10 µs (downloads)",
      met: i.importerMicrosPerRecord === null ? null : i.importerMicrosPerRecord <= 10,
    },
    {
      measure: "Simulator CPU per record, apart (the ALA's own machines do this work): downloads / search",
      value: `${micro(i.simulatorMicrosPerRecord)} / ${micro(si.simulatorMicrosPerRecord)}`,
      goal: "",
      met: null,
    },
    {
      measure: "Importer peak RSS: downloads / search",
      value: `${mb(i.importerPeakRssBytes)} / ${mb(si.importerPeakRssBytes)}`,
      goal: "≤ 300 MiB (downloads)",
      met: i.importerPeakRssBytes === null ? null : i.importerPeakRssBytes <= 300 * 1_048_576,
    },
    {
      measure: "CPU during the import: importer / PostgreSQL / simulator",
      value: ["importer", "database", "simulator"].map((k) => (i.cpuSeconds[k] === null ? "n/a" : s(i.cpuSeconds[k]!))).join(" / "),
      goal: "",
      met: null,
    },
    { measure: "Import phases", value: phases(i.phaseSeconds), goal: "", met: null },
    {
      measure: "Peak memory during the import: importer RSS / PostgreSQL (PSS) / simulator RSS",
      value: `${mb(i.importerPeakRssBytes)} / ${mb(i.databasePeakBytes)} / ${mb(i.simulatorPeakRssBytes)}`,
      goal: "",
      met: null,
    },
    { measure: "Heap per record", value: `${r.storage.heapBytesPerRecord} B`, goal: "≤ 100 B", met: r.storage.heapBytesPerRecord <= 100 },
    {
      measure: "Total per record (heap + indexes + TOAST + maps)",
      value: `${r.storage.totalBytesPerRecord} B (indexes: ${r.storage.indexes.map((x) => `${x.name} ${x.bytesPerRecord} B`).join(", ")})`,
      goal: "≤ 160 B",
      met: r.storage.totalBytesPerRecord <= 160,
    },
    {
      measure: "Total per record after REINDEX (index maintenance, not done by the sync)",
      value: `${r.storage.afterReindex.totalBytesPerRecord} B (REINDEX took ${s(r.storage.afterReindex.seconds)})`,
      goal: "",
      met: null,
    },
    {
      measure: `Cold first tile of a fresh server, coarse cells prebuilt by the worker (${species})`,
      value: ms(t.coldFirstTileMs),
      goal: "≤ 500 ms",
      met: t.coldFirstTileMs <= 500,
    },
    {
      measure: "Cold first tile before the worker prebuilt the cells (index built from the records) / the prebuild",
      value: `${ms(t.coldFromRecordsMs)} / ${ms(t.cellsPrebuildMs)}`,
      goal: "",
      met: null,
    },
    { measure: "Cold: until street-level tiles are ready (exact band built)", value: ms(t.coldDetailReadyMs), goal: "", met: null },
    { measure: "After a vetting: until street-level tiles show it (exact band recounted), two changes", value: t.recolourDetailMs.map(ms).join(" / "), goal: "", met: null },
    {
      measure: `Warm tile over HTTP, p50 / p95 / p99 (${t.warm.count} requests, ${t.sessionTiles}-tile session)`,
      value: `${ms(t.warm.p50)} / ${ms(t.warm.p95)} / ${ms(t.warm.p99)}`,
      goal: "p95 ≤ 5 ms",
      met: t.warm.p95 <= 5,
    },
    { measure: "Warm tile inside the route handler, p50 / p95 / p99", value: `${ms(t.warmServer.p50)} / ${ms(t.warmServer.p95)} / ${ms(t.warmServer.p99)}`, goal: "", met: null },
    {
      measure: `Tiles/s with ${t.concurrent.connections} concurrent clients (autocannon, ${t.concurrent.seconds} s)`,
      value: `${n(t.concurrent.tilesPerSecond)} tiles/s (latency p50 ${t.concurrent.p50} ms, p99 ${t.concurrent.p99} ms, ${t.concurrent.failed} failed)`,
      goal: "",
      met: null,
    },
    { measure: "Cluster index memory / tile server peak RSS", value: `${mb(t.indexBytes)} / ${mb(t.serverPeakRssBytes)}`, goal: "", met: null },
    p.available
      ? {
          measure: `PostGIS peer (${p.version}), ST_AsMVT + ST_SnapToGrid, same server and client, p50 / p95 / p99`,
          value: `${ms(p.warm.p50)} / ${ms(p.warm.p95)} / ${ms(p.warm.p99)} (zoom-3 tile ${ms(p.firstTileMs)})`,
          goal: "",
          met: null,
        }
      : { measure: "PostGIS peer", value: p.reason, goal: "", met: null },
    {
      measure: "Edgar's warm p95 against the PostGIS peer's (both over HTTP)",
      value: speedup === null ? "n/a (no PostGIS peer)" : `${speedup.toFixed(1)}× faster`,
      goal: "≥ 10× faster",
      met: speedup === null ? null : speedup >= 10,
    },
    {
      measure: `Client-side clustering peer: GeoJSON of ${n(c.points)} points, parse + supercluster build`,
      value: `${mb(c.geojsonBytes)} (${mb(c.geojsonGzipBytes)} gzipped); ${ms(c.parseMs)} + ${ms(c.superclusterLoadMs)}`,
      goal: "",
      met: null,
    },
    {
      measure: `Re-classification after one vetting as experts draw them, slowest of ${count("one vetting")} cases (${n(r.reclassify.records)} records, ${r.reclassify.vettings} vettings; all cases below)`,
      value: ms(r.reclassify.oneVettingMs),
      goal: "≤ 2 s",
      met: r.reclassify.oneVettingMs <= 2000,
    },
    {
      measure: `Re-classification after one vetting over the species' whole range (every record changes), slowest of ${count("whole range")} cases`,
      value: ms(r.reclassify.wholeRangeMs),
      goal: "≤ 2 s",
      met: r.reclassify.wholeRangeMs <= 2000,
    },
    {
      measure: `Range products (EOO, AOO, alpha hull, cells) of the largest species, all built (${n(r.distribution.recordsUsed)} of ${n(r.distribution.records)} records count)`,
      value: ms(r.distribution.fullBuildMs),
      goal: "≤ 3 s",
      met: r.distribution.fullBuildMs <= 3000,
    },
    {
      measure: "Range products rebuilt after one vetting (re-classified first; a full rebuild of every variant)",
      value: ms(r.distribution.afterVettingMs),
      goal: "≤ 1 s",
      met: r.distribution.afterVettingMs <= 1000,
    },
    {
      measure: "… of which until the default variant (what the page shows) was stored and announced",
      value: r.distribution.afterVettingDefaultMs === undefined ? "n/a" : ms(r.distribution.afterVettingDefaultMs),
      goal: "",
      met: null,
    },
    {
      measure: "Range products after a vetting that changes no record that counts (the same area vetted the same way again): re-stamped, not built",
      value: r.distribution.afterConfirmingMs === undefined ? "n/a" : ms(r.distribution.afterConfirmingMs),
      goal: "≤ 1 s",
      met: r.distribution.afterConfirmingMs === undefined ? null : r.distribution.afterConfirmingMs <= 1000,
    },
    {
      measure: `Distribution layer's answers (cells + range, ${mb(r.distribution.layerBytes)}), warm, in the route handlers (the browser's paint is not measured)`,
      value: ms(r.distribution.layerWarmMs),
      goal: "≤ 300 ms",
      met: r.distribution.layerWarmMs <= 300,
    },
    ...largeSpeciesGoals(r),
    {
      measure: `Incremental sync, 1 % changed (${n(r.incremental.changedAtSource)} records)`,
      value: `${n(r.incremental.fetched)} fetched in ${s(r.incremental.seconds)} (${n(r.incremental.recordsPerSecond)} records/s; ${phases(r.incremental.phaseSeconds)})`,
      goal: "",
      met: null,
    },
    {
      measure: `Live updates: one event to all of ${n(r.live.subscribers)} SSE subscribers of one web process (p50 of ${r.live.fanOutMs.rounds}; max ${ms(r.live.fanOutMs.max)}; ${r.live.errors} errors; ${(r.live.bytesPerStream.rss / 1024).toFixed(0)} kB RSS per stream, both ends in one process)`,
      value: ms(r.live.fanOutMs.p50),
      goal: "500 without errors",
      met: r.live.errors === 0,
    },
    {
      measure: `Live updates: database transactions per idle subscribed page per minute (${r.live.idleSeconds} s idle with the streams: ${r.live.idleTransactions.with}, without: ${r.live.idleTransactions.without})`,
      value: String(r.live.dbRequestsPerIdleStreamPerMinute),
      goal: "≈ 0 (was ~60 polling)",
      met: r.live.dbRequestsPerIdleStreamPerMinute < 1,
    },
    ...liveSubmitGoals(r),
    ...modelGoals(r),
  ];
}

/** Issue 23's submit → new tile row (bench/live-submit.ts), or one saying the phase was skipped. */
function liveSubmitGoals(r: BenchResult): Goal[] {
  const l = r.liveSubmit;
  const measure = "Live updates: submit a vetting → the first tile of the new version asked by a second, already-open page (SSE stand-in of the page over real HTTP, real worker)";
  if (!l) return [{ measure, value: "skipped (--live-world 0)", goal: "p50 ≤ 1 s", met: null }];
  const q = (x: { p50: number; p95: number }) => `${ms(x.p50)} / ${ms(x.p95)}`;
  return [
    {
      measure: `${measure}, p50 / p95 of ${l.submits} submits (${l.scientificName}, ${n(l.records)} records, of the demo's ${n(l.worldRecords)}-record world)`,
      value: q(l.toNewTileRequestMs),
      goal: "p50 ≤ 1 s",
      met: l.toNewTileRequestMs.p50 <= 1000,
    },
    {
      measure: "The same submits: the vetting's POST answered / the page heard the new version's event / its new tile answered, p50 / p95 each",
      value: `${q(l.postMs)}; ${q(l.toSpeciesEventMs)}; ${q(l.toNewTileAnsweredMs)}`,
      goal: "",
      met: null,
    },
  ];
}

/** Issue 18's model rows (bench/model.ts), or one saying the phase was skipped. */
function modelGoals(r: BenchResult): Goal[] {
  const m = r.model;
  if (!m) return [{ measure: "Suitability model of the largest species", value: "skipped (--model-world 0)", goal: "≤ 60 s", met: null }];
  const f = m.fit;
  const slowest = Math.max(...m.projections.map((p) => p.wallSeconds));
  const grid = m.projections[0];
  return [
    {
      measure:
        `Suitability model of ${m.scientificName} (${n(m.records)} records, the largest of a ${n(m.worldRecords)}-record world; ${n(m.recordsUsed)} count): ` +
        `${n(f.presences)} presence cells of the ${m.fitGrid.width} × ${m.fitGrid.height} current climate + ${n(f.background)} background, fitted with its 4-fold spatial cross-validation on ${m.threads} threads (${f.features} features)`,
      value: `${s(f.wallSeconds)} (main fit ${s(f.fitSeconds)}, folds ${s(f.evaluationMoreSeconds)} more; ${s(f.cpuSeconds)} CPU)`,
      goal: "≤ 60 s",
      met: f.wallSeconds <= 60,
    },
    {
      measure: `Its projection onto ${grid.width} × ${grid.height} cells, per scenario (${m.projections.map((p) => p.scenario).join("; ")}), the slowest`,
      value: `${s(slowest)} (${m.projections.map((p) => `${s(p.wallSeconds)} / ${s(p.cpuSeconds)} CPU`).join(", ")})`,
      goal: "≤ 3 s per scenario",
      met: slowest <= 3,
    },
    {
      measure: `Model tile, warm (the route's cache), p95 of ${m.tiles.count} zoom-6 tiles (cold: median ${ms(m.tiles.coldMedianMs)}, p95 ${ms(m.tiles.coldP95Ms)})`,
      value: ms(m.tiles.warmP95Ms),
      goal: "p95 ≤ 10 ms",
      met: m.tiles.warmP95Ms <= 10,
    },
  ];
}

/** The street-level tile rows (bench/large-species.ts), or one saying the phase was skipped. */
function largeSpeciesGoals(r: BenchResult): Goal[] {
  const l = r.largeSpecies;
  if (!l) return [{ measure: "Street-level tiles of the largest species on a fresh process", value: "skipped (--large-world 0)", goal: "≤ 1 s", met: null }];
  const of = `${l.scientificName}, ${n(l.records)} records, the largest of a ${n(l.worldRecords)}-record world`;
  return [
    {
      measure: `Fresh server: until street-level tiles are ready, exact band prebuilt in chunks by the worker (${of}; a zoom-3 tile, then a zoom-10 one)`,
      value: ms(l.detailReadyMs),
      goal: "≤ 1 s",
      met: l.detailReadyMs <= 1000,
    },
    {
      measure: `The same street-level tile alone / the slowest tile of another fresh server's first map session (${l.freshSession.count} tiles, p50 ${ms(l.freshSession.p50)})`,
      value: `${ms(l.firstDetailTileMs)} / ${ms(l.freshSession.max)}`,
      goal: "",
      met: null,
    },
    { measure: "The same without the chunks (the exact band built from the records first)", value: ms(l.withoutChunksMs), goal: "", met: null },
    {
      measure: "The worker's prebuild after a sync: coarse cells / the exact band in chunks",
      value: `${ms(l.cellsPrebuildMs)} / ${ms(l.chunksPrebuildMs)} (${n(l.chunks)} chunks, ${mb(l.chunkBytes)})`,
      goal: "",
      met: null,
    },
  ];
}

const mark = (met: boolean | null) => (met === null ? "" : met ? "✓ met" : "✗ missed");
const cell = (text: string) => text.replace(/\|/g, "\\|");

export function markdown(r: BenchResult): string {
  const m = r.machine;
  const lines = [
    `### ${n(r.options.records)} records (seed ${r.options.seed}), ${r.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${m.os}; Node ${m.node}; ` +
      `PostgreSQL ${m.postgres} (embedded)${r.postgis.available ? `; ${r.postgis.version} for the PostGIS peer` : ""}. ` +
      `Load average (1 min) when the run started: ${m.loadAtStart}; during the phases: ` +
      Object.entries(r.load)
        .filter(([phase]) => phase !== "start")
        .map(([phase, l]) => `${phase} ${l.mean} (max ${l.max})`)
        .join(", ") +
      ".",
    `The ALA simulator ran as a ${r.simulator.mode}; the tile server and its HTTP clients shared them too.`,
    ...(r.simulator.largestSpecies.note ? ["", `**Note:** ${r.simulator.largestSpecies.note}.`] : []),
    "",
    "| measure | result | goal | |",
    "|---|---|---|---|",
    ...goals(r).map((g) => `| ${cell(g.measure)} | ${cell(g.value)} | ${g.goal} | ${mark(g.met)} |`),
    "",
    "Re-classification cases:",
    "",
    "| case | time | records changed | kind |",
    "|---|---|---|---|",
    ...r.reclassify.cases.map((c) => `| ${cell(c.name)} | ${ms(c.ms)} | ${n(c.changed)} | ${c.kind} |`),
  ];
  return lines.join("\n") + "\n";
}

/** An ISO date-time with ':' replaced (and no milliseconds), so that it is a safe file name. */
const stamp = (date: string) => date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");

/** bench/results/<ISO date-time>.json. */
export function writeJson(r: BenchResult, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp(r.date)}.json`);
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + "\n");
  return file;
}

/** A standalone bench's figures (bench/distribution.ts, …) as <dir>/<name>-<ISO date-time>.json. */
export function writeFigures(name: string, figures: object, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${stamp(new Date().toISOString())}.json`);
  fs.writeFileSync(file, JSON.stringify(figures, null, 2) + "\n");
  return file;
}

/** A standalone bench's end: its figures into bench/results/<name>-<date>.json and on stdout. */
export function publishFigures(name: string, figures: object): void {
  writeFigures(name, figures, path.join(ROOT, "bench", "results"));
  console.log(JSON.stringify(figures, null, 2));
}

const START = (records: number) => `<!-- bench:results:${records}:start -->`;
const END = (records: number) => `<!-- bench:results:${records}:end -->`;
const RESULTS_HEADING = "## Latest results";

/**
 * Puts the table into the document: replaces the section of the same record count, or adds it
 * under "## Latest results" (sections in ascending record count).
 */
export function updateDocs(r: BenchResult, file: string): void {
  const records = r.options.records;
  const section = `${START(records)}\n${markdown(r)}${END(records)}`;
  let doc = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Performance\n\n${RESULTS_HEADING}\n`;
  const start = doc.indexOf(START(records));
  const end = doc.indexOf(END(records));
  if (start >= 0 && end > start) {
    doc = doc.slice(0, start) + section + doc.slice(end + END(records).length);
  } else {
    if (!doc.includes(RESULTS_HEADING)) doc = doc.trimEnd() + `\n\n${RESULTS_HEADING}\n`;
    const sections = [...doc.matchAll(/<!-- bench:results:(\d+):end -->/g)];
    const later = sections.find((m) => Number(m[1]) > records);
    const last = sections.at(-1);
    if (later) {
      const at = doc.indexOf(START(Number(later[1])));
      doc = doc.slice(0, at) + `${section}\n\n` + doc.slice(at);
    } else {
      const at = last ? last.index! + last[0].length : doc.indexOf("\n", doc.indexOf(RESULTS_HEADING)) + 1;
      doc = doc.slice(0, at) + `\n\n${section}\n` + doc.slice(at);
    }
  }
  fs.writeFileSync(file, doc);
}
