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
