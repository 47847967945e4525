/**
 * Text parameters (a search, a user id): NUL and the other control characters are refused with a
 * 400 naming the parameter. PostgreSQL cannot store or compare text holding NUL (the query fails,
 * a 500), and no name, word or id Edgar looks up holds a control character.
 */
import { z } from "zod";

const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** A string schema refusing control characters; chain `.min()`, `.max()` as usual. */
export function textParam() {
  return z.string().regex(NO_CONTROL_CHARACTERS, "must not contain control characters (such as NUL, tab or a line break)");
}

/**
 * Whether a parsed JSON body holds NUL in any string or key. PostgreSQL's text and jsonb cannot
 * store it (a comment or the /ws service's raw JSON failed with a 500), and no field needs it.
 * Iterative: a body may nest arrays a million deep, or hold a million items.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) return true;
    } else if (Array.isArray(v)) {
      // One by one: spreading an array of a million items into push() overflows the call stack.
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes("\u0000")) return true;
        stack.push(item);
      }
    }
  }
  return false;
}
