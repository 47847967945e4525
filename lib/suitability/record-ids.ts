/**
 * The ids of the records a model was fitted from, stored compactly (sorted, delta-coded as
 * varints, deflated: a million ids take a few hundred KB), so that how many records that count
 * changed since is an exact count, not a guess from totals.
 */
import { deflateSync, inflateSync } from "node:zlib";

export function encodeIds(ids: ArrayLike<number>): Buffer {
  const sorted = Float64Array.from(ids).sort();
  const bytes: number[] = [];
  let previous = 0;
  for (const id of sorted) {
    let delta = id - previous;
    previous = id;
    while (delta >= 0x80) {
      bytes.push((delta % 0x80) | 0x80);
      delta = Math.floor(delta / 0x80);
    }
    bytes.push(delta);
  }
  return deflateSync(Uint8Array.from(bytes));
}

export function decodeIds(encoded: Uint8Array): Float64Array {
  const bytes = inflateSync(encoded);
  const ids: number[] = [];
  let previous = 0;
  for (let i = 0; i < bytes.length; ) {
    let delta = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++];
      delta += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
    }
    previous += delta;
    ids.push(previous);
  }
  return Float64Array.from(ids);
}

/** Records in one set and not the other, over the records then: the share vettings or syncs changed. */
export function changedShare(then: Float64Array, now: ArrayLike<number>): number {
  const current = Float64Array.from(now).sort();
  let i = 0;
  let j = 0;
  let differ = 0;
  while (i < then.length && j < current.length) {
    if (then[i] === current[j]) {
      i++;
      j++;
    } else if (then[i] < current[j]) {
      differ++;
      i++;
    } else {
      differ++;
      j++;
    }
  }
  differ += then.length - i + current.length - j;
  return differ / Math.max(1, then.length);
}
