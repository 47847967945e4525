/**
 * Row ids in paths, queries and bodies. Edgar's ids are PostgreSQL `integer`s (serial): a larger
 * number must be refused as invalid input, or the query fails "out of range" (a 500). In paths,
 * only plain digits: " 1", "+1" or "1e0" are not quietly read as id 1.
 */
import { z } from "zod";

export const MAX_ID = 2_147_483_647;

const DIGITS = /^\d{1,10}$/;

/** A path or query id, or null when it is none. */
export function parseId(value: string | null | undefined): number | null {
  if (!value || !DIGITS.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= MAX_ID ? id : null;
}

/** parseId as a zod schema, for parseWith; `message` says what the id is of. */
export function idParamSchema(message: string) {
  return z.string().refine((value) => parseId(value) !== null, message).transform((value) => Number(value));
}
