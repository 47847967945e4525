/** A range import's report as plain text, for the CLI. */
import type { RangeImportReport } from "./import";

export function formatReport(report: RangeImportReport): string {
  const lines = [
    report.id === null
      ? `Nothing imported: none of the ${report.features} features could be used.`
      : `Range import ${report.id} by ${report.source.name}: ${report.vettings} vettings for ${report.species} species from ${report.features} features` +
        (report.simplified ? ` (${report.simplified} polygons simplified to fit the vertex limit).` : "."),
  ];
  if (report.unmatchedNames.length) {
    lines.push(`${report.unmatchedNames.length} names match no species (not imported):`);
    for (const u of report.unmatchedNames) lines.push(`  ${u.name} (${u.features} feature${u.features === 1 ? "" : "s"})`);
  }
  if (report.problems.length) {
    lines.push(`${report.problems.length} features could not be used:`);
    for (const p of report.problems) lines.push(`  feature ${p.feature}${p.name ? ` (${p.name})` : ""}: ${p.message}`);
  }
  return lines.join("\n");
}
