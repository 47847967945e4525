/**
 * The Add source form's fields → the settings the API checks per kind (lib/sources/registry.ts).
 * Empty optional fields are left out, so the API's defaults apply.
 */
export interface SourceFormFields {
  /** The archive's path or URL, the biocache-service URL, or GBIF's API URL. */
  where: string;
  /** A Living Atlas's download account. */
  email: string;
  fieldStyle: "current" | "legacy";
}

export function sourceSettings(kind: string, f: SourceFormFields): Record<string, unknown> {
  const where = f.where.trim();
  if (kind === "dwca") return { location: where };
  if (kind === "living_atlas") return { biocacheUrl: where, ...(f.email.trim() ? { email: f.email.trim() } : {}), fieldStyle: f.fieldStyle };
  return where ? { apiUrl: where } : {};
}
