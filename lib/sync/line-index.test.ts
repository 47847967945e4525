import { describe, expect, it } from "vitest";
import { CopyText } from "./copy-text";
import { idHash as hash, LineIndex } from "./line-index";
import { stagedRow } from "./test-support";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
/** Writes the ids' lines as the download thread does; the earlier line of each id, or undefined. */
function write(ids: readonly string[], text = new CopyText(), index = new LineIndex()): (number | undefined)[] {
  return ids.map((id) => {
    const at = index.swap(id, text.used, text);
    text.line(stagedRow({ sourceId: id }));
    return at;
  });
}

describe("LineIndex", () => {
  it("finds an id's earlier line, the latest one", () => {
    const text = new CopyText();
    const at = write([uuid(1), uuid(2), uuid(1), uuid(3), uuid(1)], text);
    const starts = new TextDecoder()
      .decode(text.bytes())
      .split("\n")
      .reduce<number[]>((s, line, i, all) => (i ? [...s, s[i - 1] + all[i - 1].length + 1] : [0]), []);
    expect(at).toEqual([undefined, undefined, starts[0], undefined, starts[2]]);
  });

  it("tells apart ids whose hashes are the same, whichever comes first", () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let n = 0; !pair; n++) {
      const id = uuid(n);
      const other = seen.get(hash(id));
      if (other) pair = [other, id];
      else seen.set(hash(id), id);
    }
    const [a, b] = pair;
    expect(hash(a)).toBe(hash(b));
    const at = write([a, b, b, a, b]);
    expect(at.map((x) => x !== undefined)).toEqual([false, false, true, true, true]);
    expect(at[3]).toBe(0);
  });

  it("grows past its first table and still finds every id", () => {
    const ids = Array.from({ length: 40_000 }, (_, n) => uuid(n));
    const at = write([...ids, ...ids.slice(0, 1000)]);
    expect(at.slice(0, 40_000).every((x) => x === undefined)).toBe(true);
    expect(at.slice(40_000).every((x) => x !== undefined)).toBe(true);
  });

  it("keeps ids outside ASCII by their string, and forgets everything when cleared", () => {
    const text = new CopyText();
    const index = new LineIndex();
    expect(write(["Ōtautahi-1", "Ōtautahi-1", "x"], text, index).map((x) => x !== undefined)).toEqual([false, true, false]);
    index.clear();
    expect(write(["Ōtautahi-1", "x"], text, index)).toEqual([undefined, undefined]);
  });
});
