import { Readable } from "node:stream";
import { field, fieldValues, type FieldDef } from "./fields";
import { assertionList } from "./derived";
import type { World } from "./world";

/**
 * The data file of an offline download, as biocache-service writes it: the requested index
 * fields that exist (unknown names are left out silently, `DownloadFields.newDownloadHeader`),
 * the fields every download carries appended when not requested (`SearchDAOImpl`: data provider,
 * institution, collection, data resource, licence), then one `true`/`false` column per
 * assertion when `qa` asks (`ProcessDownload.appendQaColumns`). Values as `SearchUtils.formatValue`
 * writes them: dates `yyyy-MM-dd`, numbers as Java prints doubles, multi-values joined with " | ".
 */

/** Appended by `SearchDAOImpl` "for logger.ala and doi minting" unless already requested. */
const ALWAYS = ["dataProviderUid", "institutionUid", "collectionUid", "dataResourceUid", "license"];

/** `dwc.<field>` headings of biocache-service's messages.properties that differ from the field name. */
const DWC_HEADINGS: Record<string, string> = { id: "recordID", license: "dcterms:license" };

/** Human headings (`dwcHeaders=false`) of a few fields, as messages.properties gives them. */
const LABELS: Record<string, string> = {
  id: "Record ID",
  speciesID: "Species ID",
  decimalLatitude: "Latitude",
  decimalLongitude: "Longitude",
  dataResourceUid: "Data Resource ID",
  license: "License",
};

/** `default.download.fields` of SearchDAOImpl: what a request without `fields` gets. */
export const DEFAULT_FIELDS =
  "id,dataResourceUid,dataResourceName,license,catalogNumber,taxonConceptID,raw_scientificName,raw_vernacularName,scientificName,taxonRank,vernacularName,kingdom,phylum,class,order,family,genus,species,subspecies,institutionCode,collectionCode,raw_locality,raw_decimalLatitude,raw_decimalLongitude,raw_geodeticDatum,decimalLatitude,decimalLongitude,coordinatePrecision,coordinateUncertaintyInMeters,country,stateProvince,cl959,minimumElevationInMeters,maximumElevationInMeters,minimumDepthInMeters,maximumDepthInMeters,individualCount,recordedBy,year,month,day,verbatimEventDate,basisOfRecord,raw_basisOfRecord,sex,preparations,informationWithheld,dataGeneralizations,outlierLayer";

/** Integer index fields (the rest of the numeric ones are doubles). */
const INTEGERS = new Set(["year", "outlierLayerCount"]);

export interface CsvOptions {
  fields: readonly string[];
  /** `none`, `all` (the assertions present in the result), or a comma list of codes. */
  qa: string;
  dwcHeaders: boolean;
  separator: "," | "\t";
}

interface Column {
  heading: string;
  value: (w: World, i: number) => string;
}

/** Java's Double.toString, close enough to parse back to the same double. */
export function javaDouble(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) {
    const [mantissa, exponent] = v.toExponential().split("e");
    return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function formatter(name: string, def: FieldDef): (w: World, i: number) => string {
  if (def.kind === "date") return (w, i) => {
    const v = def.value(w, i);
    return Number.isNaN(v) ? "" : new Date(v).toISOString().slice(0, 10);
  };
  if (def.kind === "number") return (w, i) => {
    const v = def.value(w, i);
    if (Number.isNaN(v)) return "";
    return INTEGERS.has(name) ? String(v) : javaDouble(v);
  };
  return (w, i) => fieldValues(def, w, i).join(" | ");
}

/** The data file's columns for these options over these records. */
export function csvColumns(w: World, records: ArrayLike<number>, o: CsvOptions): Column[] {
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const requested of [...o.fields, ...ALWAYS]) {
    const def = field(requested.trim());
    if (!def) continue;
    const name = def.names[0];
    if (seen.has(name)) continue;
    seen.add(name);
    columns.push({ heading: o.dwcHeaders ? (DWC_HEADINGS[name] ?? name) : (LABELS[name] ?? name), value: formatter(name, def) });
  }
  for (const code of qaCodes(w, records, o.qa)) {
    columns.push({ heading: code, value: (world, i) => String(assertionList(world, i).includes(code)) });
  }
  return columns;
}

function qaCodes(w: World, records: ArrayLike<number>, qa: string): string[] {
  if (qa === "" || qa === "none") return [];
  if (qa !== "all") return qa.split(",").map((s) => s.trim()).filter(Boolean);
  // `all`: the assertions facet of the result, values with a count (SearchDAOImpl).
  const present = new Set<string>();
  for (let k = 0; k < records.length; k++) for (const code of assertionList(w, records[k])) present.add(code);
  return [...present].sort();
}

/** RFC 4180 quoting, as opencsv's writer does: only where needed. */
function quote(value: string, separator: string): string {
  return value.includes(separator) || value.includes('"') || value.includes("\n") || value.includes("\r")
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * The data file as a stream, a few thousand rows at a time, leaving out records deleted meanwhile;
 * `progress` is told how many of `records` are done (ProcessDownload's recordsDownloaded).
 */
export function csvStream(w: World, records: ArrayLike<number>, columns: readonly Column[], separator: string, progress?: (done: number) => void): Readable {
  let next = 0;
  let headerSent = false;
  const line = (cells: string[]) => `${cells.map((c) => quote(c, separator)).join(separator)}\n`;
  return new Readable({
    read() {
      let chunk = headerSent ? "" : line(columns.map((c) => c.heading));
      headerSent = true;
      // On past rows deleted meanwhile: a read() that pushes nothing is never called again, and the stream would stall.
      while (chunk === "" && next < records.length) {
        const end = Math.min(records.length, next + 2000);
        for (; next < end; next++) {
          const i = records[next];
          if (w.isLive(i)) chunk += line(columns.map((c) => c.value(w, i)));
        }
      }
      progress?.(next);
      if (chunk) this.push(chunk);
      if (next >= records.length) this.push(null);
    },
  });
}
