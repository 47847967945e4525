/**
 * The ALA-style vetting web service (/ws/vettings): JSON with the API key in the body, the species
 * by scientific name, the area as WKT, optionally a range qualifier. Status codes as the ALA's service had them: 400 for bad
 * JSON, unknown species or invalid WKT; 403 for a missing or invalid key.
 */
import { z } from "zod";
import { userForApiKey } from "@/lib/auth/api-keys";
import { VETTING_ROLES, type AuthUser } from "@/lib/auth/roles";
import { parseWktArea } from "@/lib/geometry/validate-wkt";
import { HttpError, parseWith } from "@/lib/http/respond";
import { vettableSpeciesByName } from "./species";
import { areaFrom, commentSchema, createVetting, deleteVetting, rangeQualifierSchema, type VettingClassification } from "./vettings";

/**
 * Besides the contract's names, spellings other tools use: any case, spaces or hyphens for the
 * underscore ("Known Valid", "known-invalid"), and plain "valid" / "invalid".
 */
export function wsClassification(value: unknown): VettingClassification {
  const name = typeof value === "string" ? value.trim().toLowerCase().replace(/[\s-]+/g, "_") : "";
  if (name === "known_valid" || name === "valid") return "known_valid";
  if (name === "known_invalid" || name === "invalid") return "known_invalid";
  throw new HttpError(400, "invalid_body", `classification: must be "known_valid" or "known_invalid", got ${JSON.stringify(value)?.slice(0, 60)}.`);
}

/** The key's owner, who must be an expert or admin; anything else is the service's 403. */
export async function wsUser(apiKey: unknown): Promise<AuthUser> {
  const user = typeof apiKey === "string" && apiKey ? await userForApiKey(apiKey) : null;
  if (!user) throw new HttpError(403, "invalid_api_key", "A valid apiKey is required (missing, unknown or revoked).");
  if (!VETTING_ROLES.includes(user.role)) {
    throw new HttpError(403, "forbidden", `This API key belongs to a ${user.role}; only experts and admins vet.`);
  }
  return user;
}

const wsBodySchema = z.object({
  species: z.string({ error: "must be the species' scientific name" }).trim().min(1, "must be the species' scientific name"),
  // Checked by parseWktArea and wsClassification, whose messages say what is expected.
  area: z.unknown().optional(),
  classification: z.unknown().optional(),
  comment: commentSchema.optional(),
  // Optional, so tools written for the ALA's service need not know it; any case.
  rangeQualifier: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), rangeQualifierSchema).optional(),
});

/** POST /ws/vettings with an already parsed JSON body. The stored raw JSON leaves the key out. */
export async function submitWsVetting(body: unknown): Promise<{ id: number; firstLoadedDate: string }> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "invalid_body", "The body must be a JSON object: { apiKey, species, area, classification, comment? }.");
  }
  const { apiKey, ...raw } = body as Record<string, unknown>;
  const user = await wsUser(apiKey);
  const fields = parseWith(wsBodySchema, raw, "invalid_body");
  const species = await vettableSpeciesByName(fields.species);
  const area = areaFrom(fields.area, parseWktArea);
  const classification = wsClassification(fields.classification);
  const vetting = await createVetting(user, { speciesId: species.id, classification, rangeQualifier: fields.rangeQualifier ?? null, area, comment: fields.comment ?? null }, { channel: "ws", raw });
  return { id: vetting.id, firstLoadedDate: vetting.firstLoadedDate };
}

/** DELETE /ws/vettings/{id}?apiKey=: the key's owner (or an admin) marks it deleted, for good. */
export async function deleteWsVetting(apiKey: unknown, id: number): Promise<{ id: number; firstLoadedDate: string; deletedDate: string }> {
  const user = await wsUser(apiKey);
  const deleted = await deleteVetting(user, id);
  return { id, firstLoadedDate: deleted.firstLoadedAt.toISOString(), deletedDate: deleted.deletedAt.toISOString() };
}
