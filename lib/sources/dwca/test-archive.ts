/** Builds Darwin Core Archives for tests (and the demo): meta.xml, eml.xml and a core file, zipped with yazl. */
import fs from "node:fs";
import yazl from "yazl";

export const TERMS = [
  "occurrenceID",
  "scientificName",
  "taxonConceptID",
  "class",
  "decimalLatitude",
  "decimalLongitude",
  "eventDate",
  "basisOfRecord",
  "coordinateUncertaintyInMeters",
] as const;

export type TestRecord = Partial<Record<(typeof TERMS)[number], string>>;

export function metaXml(o: { rowType?: string; location?: string; terms?: readonly string[]; defaults?: Record<string, string> } = {}): string {
  const terms = o.terms ?? TERMS;
  const fields = terms.map((t, i) => `    <field index="${i + 1}" term="http://rs.tdwg.org/dwc/terms/${t}"/>`).join("\n");
  const defaults = Object.entries(o.defaults ?? {})
    .map(([t, v]) => `    <field term="http://rs.tdwg.org/dwc/terms/${t}" default="${v}"/>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1"
        rowType="${o.rowType ?? "http://rs.tdwg.org/dwc/terms/Occurrence"}">
    <files><location>${o.location ?? "occurrence.txt"}</location></files>
    <id index="0"/>
${fields}
${defaults}
  </core>
</archive>`;
}

export const EML = `<?xml version="1.0" encoding="UTF-8"?>
<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="test-1">
  <dataset>
    <title>Backyard bird survey</title>
    <intellectualRights><para>This work is licensed under a <ulink url="http://creativecommons.org/licenses/by/4.0/legalcode"><citetitle>CC-BY 4.0</citetitle></ulink>.</para></intellectualRights>
  </dataset>
  <additionalMetadata><metadata><gbif><citation>Survey team (2026) Backyard bird survey.</citation></gbif></metadata></additionalMetadata>
</eml:eml>`;

export function coreText(records: readonly TestRecord[], terms: readonly string[] = TERMS): string {
  const head = ["id", ...terms].join("\t");
  const lines = records.map((r) => [r.occurrenceID ?? "", ...terms.map((t) => (r as Record<string, string>)[t] ?? "")].join("\t"));
  return [head, ...lines].join("\n") + "\n";
}

/** Writes a zip of the given entries (name → text) to `file`. */
export async function writeZip(file: string, entries: Record<string, string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text, "utf8"), name);
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    (zip.outputStream as unknown as NodeJS.ReadableStream).pipe(out).on("finish", resolve).on("error", reject);
  });
  return file;
}

export function writeArchive(file: string, records: readonly TestRecord[]): Promise<string> {
  return writeZip(file, { "meta.xml": metaXml(), "eml.xml": EML, "occurrence.txt": coreText(records) });
}
