/** API keys from the admin console: made for any user (shown once), listed, revoked for good. */
import { z } from "zod";
import { createApiKey, revokeApiKey, type NewApiKey } from "@/lib/auth/api-keys";
import { idParamSchema } from "@/lib/http/ids";
import { HttpError } from "@/lib/http/respond";
import { userIdSchema } from "./users";

export const newKeyBodySchema = z
  .object({ userId: userIdSchema, name: z.string().trim().max(100, "must be at most 100 characters").optional() })
  .strict();
export type NewKeyBody = z.infer<typeof newKeyBodySchema>;

export const keyIdSchema = idParamSchema("must be an API key id (a positive whole number)");
export const keyListQuerySchema = z.object({ userId: userIdSchema.optional() }).strict();

export function createKey(body: NewKeyBody): Promise<NewApiKey> {
  return createApiKey(body.userId, body.name);
}

export async function revokeKey(id: number): Promise<void> {
  if (!(await revokeApiKey(id))) throw new HttpError(404, "unknown_api_key", `There is no live API key ${id} (it may be revoked already).`);
}
