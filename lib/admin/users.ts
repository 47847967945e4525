/**
 * Role and disabled changes from the admin console, with the one rule lib/auth leaves to it:
 * a change never leaves Edgar without an enabled admin (nobody could then run syncs or repair it).
 */
import { z } from "zod";
import { HttpError } from "@/lib/http/respond";
import { textParam } from "@/lib/http/text";
import { roleSchema } from "@/lib/auth/roles";
import { setDisabled, setRole, type UserSummary } from "@/lib/auth/users";
import { transaction } from "@/lib/db/transaction";

export const userChangeSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((c) => c.role !== undefined || c.disabled !== undefined, "give role and/or disabled");
export type UserChange = z.infer<typeof userChangeSchema>;

export const userIdSchema = textParam().min(1).max(100);

/** Serialises changes that could remove an admin, so two admins cannot demote each other at once. */
const ADMIN_CHANGE_LOCK = 7_317_003;

export async function changeUser(userId: string, change: UserChange): Promise<UserSummary> {
  const removesAdmin = (change.role !== undefined && change.role !== "admin") || change.disabled === true;
  return transaction(async (client) => {
    if (removesAdmin) {
      await client.query("SELECT pg_advisory_xact_lock($1)", [ADMIN_CHANGE_LOCK]);
      const { rows } = await client.query<{ id: string }>(`SELECT id FROM "user" WHERE role = 'admin' AND NOT disabled`);
      if (rows.length > 0 && rows.every((r) => r.id === userId)) {
        throw new HttpError(
          409,
          "last_admin",
          "This is the only enabled admin account: make another account an admin first, so someone can still run syncs and manage accounts.",
        );
      }
    }
    // The updates run on their own connections; the lock above is held until this transaction ends.
    let user: UserSummary | undefined;
    if (change.role !== undefined) user = await setRole(userId, change.role);
    if (change.disabled !== undefined) user = await setDisabled(userId, change.disabled);
    return user!;
  });
}
