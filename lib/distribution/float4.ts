/**
 * A float4 column's value as node-postgres gives it in text mode: PostgreSQL writes the shortest
 * decimal that reads back as the same float4 (float4out, Ryu; extra_float_digits = 1, the default
 * since PostgreSQL 12), and pg parses that into a double. So 145.3 stored as real is read as the
 * double 145.3, not as the float4's exact value 145.30000305… A binary read gets the exact value;
 * this turns it into what the text read gave, so that the products stay the same to the last bit.
 */
const POWERS = Array.from({ length: 13 }, (_, k) => 10 ** k);

export function float4AsText(f: number): number {
  if (f === 0 || !Number.isFinite(f)) return f;
  // The fewest decimals whose nearest double rounds back to f (for a fixed value, the fewest
  // digits), and of those the nearest to f, ties to even, as Ryu picks. f × 10^k is exact in a
  // double (24 bits of f times 5^k < 2^28), so a tie shows as exactly one half.
  for (let k = 0; k < POWERS.length; k++) {
    const x = f * POWERS[k];
    let r = Math.round(x);
    if (r - x === 0.5 && r % 2 !== 0) r -= 1;
    const v = r / POWERS[k];
    if (Math.fround(v) === f) return v;
  }
  return Number(f.toPrecision(9));
}
