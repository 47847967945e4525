/**
 * A Darwin Core Archive's descriptor (meta.xml) and metadata (eml.xml), read as the Darwin Core
 * text guide's schema says (tdwg/dwc text/tdwg_dwc_text.xsd: attribute defaults linesTerminatedBy
 * "\n", fieldsTerminatedBy ",", fieldsEnclosedBy '"', ignoreHeaderLines 0, encoding UTF-8; a field
 * has an index, a term, and a default used when it has no column or the value is empty).
 * Edgar reads occurrence-core archives; any other core row type is refused by name.
 */
import { XMLParser } from "fast-xml-parser";

export const OCCURRENCE_ROW_TYPE = "http://rs.tdwg.org/dwc/terms/Occurrence";

/** A problem that makes the archive unusable as a whole: it is refused, nothing is imported. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export interface CoreField {
  /** The term's local name: "occurrenceID", "decimalLatitude"… */
  term: string;
  index: number | null;
  default: string | null;
}

export interface CoreDescriptor {
  location: string;
  encoding: string;
  fieldsTerminatedBy: string;
  linesTerminatedBy: string;
  /** "" when fields are not enclosed. */
  fieldsEnclosedBy: string;
  ignoreHeaderLines: number;
  idIndex: number | null;
  fields: CoreField[];
  /** The eml.xml named by the archive (default eml.xml). */
  metadata: string;
}

export interface DatasetMetadata {
  title: string | null;
  license: string | null;
  citation: string | null;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  removeNSPrefix: true,
  isArray: (name) => name === "field" || name === "location" || name === "extension" || name === "para",
  parseAttributeValue: false,
  parseTagValue: false,
});

/** meta.xml spells control characters as escapes ("\t"); some writers use the character itself. */
function unescape(value: string): string {
  return value.replace(/\\([tnr])/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r" })[c]!);
}

/** The local name of a term URI: the part after the last '/' or '#'. */
export function termName(uri: string): string {
  return uri.slice(Math.max(uri.lastIndexOf("/"), uri.lastIndexOf("#")) + 1);
}

function index(value: unknown, what: string): number | null {
  if (value === undefined || value === "") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ArchiveError(`meta.xml: ${what} has the index "${String(value)}", which is not a column number`);
  return n;
}

export function parseMeta(xml: string): CoreDescriptor {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (error) {
    throw new ArchiveError(`meta.xml is not well-formed XML: ${(error as Error).message}`);
  }
  const archive = doc.archive as Record<string, unknown> | undefined;
  if (!archive) throw new ArchiveError("meta.xml has no <archive> element");
  const core = archive.core as Record<string, unknown> | undefined;
  if (!core || typeof core !== "object") throw new ArchiveError("meta.xml describes no core file (<core> is missing)");
  const rowType = String(core.rowType ?? "http://rs.tdwg.org/dwc/xsd/simpledarwincore/SimpleDarwinRecord");
  if (rowType !== OCCURRENCE_ROW_TYPE) {
    throw new ArchiveError(`the archive's core row type is ${rowType}: Edgar reads occurrence records only (row type ${OCCURRENCE_ROW_TYPE})`);
  }
  const locations = ((core.files as Record<string, unknown> | undefined)?.location ?? []) as unknown[];
  if (locations.length === 0 || typeof locations[0] !== "string" || locations[0].trim() === "") {
    throw new ArchiveError("meta.xml names no core data file (<files><location> is missing)");
  }
  if (locations.length > 1) throw new ArchiveError("meta.xml names several core data files; Edgar reads archives with one");
  const encoding = String(core.encoding ?? "UTF-8");
  if (!/^utf-?8$/i.test(encoding)) throw new ArchiveError(`the core file's encoding is ${encoding}: Edgar reads UTF-8 archives`);
  const fields = ((core.field ?? []) as Record<string, unknown>[]).map((f, i) => {
    if (typeof f.term !== "string" || f.term === "") throw new ArchiveError(`meta.xml: core field ${i + 1} has no term`);
    const field: CoreField = { term: termName(f.term), index: index(f.index, `the field ${f.term}`), default: typeof f.default === "string" ? f.default : null };
    return field;
  });
  const enclosed = core.fieldsEnclosedBy === undefined ? '"' : String(core.fieldsEnclosedBy);
  const descriptor: CoreDescriptor = {
    location: (locations[0] as string).trim(),
    encoding,
    fieldsTerminatedBy: unescape(String(core.fieldsTerminatedBy ?? ",")),
    linesTerminatedBy: unescape(String(core.linesTerminatedBy ?? "\\n")),
    fieldsEnclosedBy: enclosed,
    ignoreHeaderLines: Number(core.ignoreHeaderLines ?? 0) || 0,
    idIndex: core.id && typeof core.id === "object" ? index((core.id as Record<string, unknown>).index, "the core id") : null,
    fields,
    metadata: typeof archive.metadata === "string" && archive.metadata ? archive.metadata : "eml.xml",
  };
  if (descriptor.fieldsTerminatedBy.length !== 1) throw new ArchiveError(`meta.xml: fields terminated by "${descriptor.fieldsTerminatedBy}": Edgar reads one-character separators`);
  if (descriptor.fieldsEnclosedBy !== "" && descriptor.fieldsEnclosedBy !== '"') throw new ArchiveError(`meta.xml: fields enclosed by ${descriptor.fieldsEnclosedBy}: Edgar reads '"' or none`);
  const hasId = descriptor.idIndex !== null || fields.some((f) => f.term === "occurrenceID" && f.index !== null);
  if (!hasId) throw new ArchiveError("meta.xml gives the core no record id (neither <id index> nor an occurrenceID column)");
  return descriptor;
}

/** Text of an EML element that may be a string, a {#text}, or paragraphs with links. */
function textOf(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === "string") return node.replace(/\s+/g, " ").trim() || null;
  if (Array.isArray(node)) return node.map(textOf).filter(Boolean).join(" ") || null;
  if (typeof node === "object") {
    const parts = Object.entries(node as Record<string, unknown>)
      .filter(([k]) => !k.startsWith("url") && k !== "lang")
      .map(([, v]) => textOf(v));
    return parts.filter(Boolean).join(" ") || null;
  }
  return String(node);
}

/** Title, licence and citation from eml.xml; an unreadable eml.xml gives nulls, not a refusal. */
export function parseEml(xml: string): DatasetMetadata {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return { title: null, license: null, citation: null };
  }
  const eml = (doc.eml ?? {}) as Record<string, unknown>;
  const dataset = (eml.dataset ?? {}) as Record<string, unknown>;
  const rights = dataset.intellectualRights as Record<string, unknown> | string | undefined;
  // GBIF's IPT writes the licence as <ulink url="…"><citetitle>CC-BY 4.0</citetitle></ulink> in a para.
  const gbif = ((eml.additionalMetadata as Record<string, unknown> | undefined)?.metadata as Record<string, unknown> | undefined)?.gbif as
    | Record<string, unknown>
    | undefined;
  return { title: textOf(dataset.title), license: textOf(rights)?.slice(0, 200) ?? null, citation: textOf(gbif?.citation) };
}
