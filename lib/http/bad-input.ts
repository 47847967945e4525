/**
 * Generators of bad request input for the property-based tests (fast-check). Write endpoints:
 * malformed JSON text, wrong types, huge bodies, impossible coordinates, self-intersecting and
 * degenerate polygons, WKT garbage; every such value is invalid by construction, so the endpoint
 * must refuse it, whatever else the test does. Read endpoints and pages: odd query and path
 * values (`oddValue`, `malformedEscape`), which may be refused or answered, never with a 5xx.
 */
import fc from "fast-check";
import type { Position } from "geojson";

/** Text that JSON.parse refuses: random text, cut-off JSON, and the usual near-misses. */
export const malformedJson: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.jsonValue({ maxDepth: 3 }).chain((v) => {
      const text = JSON.stringify(v);
      return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
    }),
    fc.constantFrom(
      "",
      "{",
      "[",
      "nul",
      "{'speciesId': 1}",
      '{"a": 1,}',
      '{"a": NaN}',
      '{"a": Infinity}',
      '{"a": undefined}',
      "/* comment */ {}",
      '{"a": 0x10}',
      '{"a": 01}',
      "\uFEFF{}",
      '{"a": "unterminated}',
      '{"a": "\\u12"}',
      "{}{}",
      "[] []",
    ),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

/** Any JSON value, as text; endpoints filter out the (rare) ones their schema accepts. */
export const randomJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 });

/** A JSON value that is not of the given kind (for replacing one field of a valid body). */
export function notOfType(kind: "number" | "string" | "boolean" | "object" | "array"): fc.Arbitrary<unknown> {
  const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  return fc.jsonValue({ maxDepth: 2 }).filter((v) => typeOf(v) !== kind);
}

/** Numbers where an id (a positive int4) belongs: fractions, zero, negatives, past 2^31 − 1, huge. */
export const badIdNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.integer({ min: -2_147_483_648, max: 0 }),
  fc.integer({ min: 2_147_483_648, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(-0, 1e21, 1e308, -1e308, 2 ** 53, 2 ** 31, 4_294_967_296),
);

/** Path segments that are no id: text, signs, exponents, padding, encodings, huge numbers. */
export const badPathId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/^\d{1,9}$/.test(s)),
  fc.constantFrom("-1", "0", "1e3", "1.5", "0x10", " 1", "1 ", "+1", "99999999999", "2147483648", "NaN", "Infinity", "%00", "../1", "1;DROP TABLE vettings"),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 80n }).map(String),
);

/** A coordinate that cannot be: past ±180/±90, huge, or a JSON token that is no finite number. */
export const badCoordinateToken: fc.Arbitrary<string> = fc.oneof(
  fc.double({ min: 180.000001, max: 1e308, noNaN: true }).map(String),
  fc.double({ min: -1e308, max: -180.000001, noNaN: true }).map(String),
  fc.constantFrom("1e999", "-1e999", "NaN", "Infinity", "-Infinity", "null", '"140"', "true", "[]", "{}", "[140]"),
);

/** A rectangle's corners, well inside the map and of modest size. */
const box = fc
  .record({ x: fc.integer({ min: -170, max: 160 }), y: fc.integer({ min: -80, max: 70 }), w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 9 }) })
  .map(({ x, y, w, h }) => ({ x0: x, y0: y, x1: x + w, y1: y + h }));

/** A valid square ring at (140, -30): the base the geometry mutations start from. */
export const VALID_RING: Position[] = [[140, -30], [141, -30], [141, -29], [140, -29], [140, -30]];

/**
 * GeoJSON text of a polygon with one coordinate replaced by a bad token: out of range, infinite
 * once parsed (1e999), or no number at all. Text, because JSON cannot carry NaN or Infinity.
 */
export const polygonWithBadCoordinateText: fc.Arbitrary<string> = fc
  .record({ index: fc.integer({ min: 0, max: VALID_RING.length - 1 }), axis: fc.integer({ min: 0, max: 1 }), token: badCoordinateToken })
  .map(({ index, axis, token }) => {
    const positions = VALID_RING.map((p, i) => `[${p.map((c, a) => (i === index && a === axis ? token : String(c))).join(",")}]`);
    return `{"type":"Polygon","coordinates":[[${positions.join(",")}]]}`;
  });

/** Bow-ties: a rectangle's corners visited crosswise, so two edges cross; sometimes as a hole. */
export const selfIntersectingPolygon: fc.Arbitrary<unknown> = fc.oneof(
  box.map(({ x0, y0, x1, y1 }) => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]] })),
  box.map(({ x0, y0, x1, y1 }) => ({
    type: "MultiPolygon",
    coordinates: [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]], [[[x0, y0], [x1, y1], [x0, y1], [x1, y0], [x0, y0]]]],
  })),
  // A hole crossing its outer ring.
  box.map(({ x0, y0, x1, y1 }) => ({
    type: "Polygon",
    coordinates: [
      [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]],
      [[x0 + 0.5, y0 + 0.5], [x1 + 1, y0 + 0.5], [x1 + 1, y1 - 0.5], [x0 + 0.5, y0 + 0.5]],
    ],
  })),
);

/**
 * Polygons with no area or no shape: corners on one line (integer steps, so exactly collinear),
 * one point repeated, too few positions, rings left open, no rings, holes outside the shell.
 */
export const degeneratePolygon: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      x: fc.integer({ min: -100, max: 100 }),
      y: fc.integer({ min: -40, max: 40 }),
      dx: fc.integer({ min: -3, max: 3 }),
      dy: fc.integer({ min: -3, max: 3 }),
      steps: fc.uniqueArray(fc.integer({ min: 0, max: 8 }), { minLength: 3, maxLength: 6 }),
    })
    .map(({ x, y, dx, dy, steps }) => {
      const ring = steps.map((t) => [x + t * dx, y + t * dy]);
      return { type: "Polygon", coordinates: [[...ring, ring[0]]] };
    }),
  box.map(({ x0, y0 }) => ({ type: "Polygon", coordinates: [[[x0, y0], [x0, y0], [x0, y0], [x0, y0]]] })),
  box.map(({ x0, y0, x1, y1 }) => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y1], [x0, y0]]] })),
  box.map(({ x0, y0, x1, y1 }) => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]] })),
  fc.constantFrom<unknown>(
    { type: "Polygon", coordinates: [] },
    { type: "Polygon", coordinates: [[]] },
    { type: "MultiPolygon", coordinates: [] },
    { type: "MultiPolygon", coordinates: [[]] },
  ),
  box.map(({ x0, y0, x1, y1 }) => ({
    type: "Polygon",
    coordinates: [
      [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]],
      [[x1 + 2, y0], [x1 + 3, y0], [x1 + 3, y0 + 1], [x1 + 2, y0]],
    ],
  })),
);

/** Shapes that are no polygon at all, or too big: other types, wrong nesting, > 5 000 corners, the whole globe. */
export const notAPolygon: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    { type: "Point", coordinates: [140, -30] },
    { type: "LineString", coordinates: VALID_RING },
    { type: "Feature", geometry: { type: "Polygon", coordinates: [VALID_RING] }, properties: {} },
    { type: "FeatureCollection", features: [] },
    { type: "GeometryCollection", geometries: [] },
    { type: "Polygon", coordinates: VALID_RING },
    { type: "Polygon", coordinates: [[VALID_RING]] },
    { type: "Polygon", coordinates: [VALID_RING.map(([x, y]) => [x, y, 0, 0])] },
    { type: "Polygon" },
    { type: "polygon", coordinates: [VALID_RING] },
    { type: "Polygon", coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] },
    {
      type: "Polygon",
      coordinates: [[...Array.from({ length: 5_001 }, (_, i) => [140 + Math.cos((2 * Math.PI * i) / 5_001), -30 + Math.sin((2 * Math.PI * i) / 5_001)]), [141, -30]]],
    },
  ),
  fc.record({ type: fc.string(), coordinates: fc.jsonValue({ maxDepth: 3 }) }),
);

/** Valid WKT for the base square; the garbage is made from it and from nothing. */
export const VALID_WKT = "POLYGON((140 -30, 141 -30, 141 -29, 140 -29, 140 -30))";

/** Characters that appear nowhere in WKT, so inserting one anywhere breaks it. */
const NON_WKT = "@#$%&*!?{}[]|~^`\"'\\=<>";

export const wktGarbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  fc
    .record({ at: fc.integer({ min: 0, max: VALID_WKT.length }), char: fc.constantFrom(...NON_WKT) })
    .map(({ at, char }) => VALID_WKT.slice(0, at) + char + VALID_WKT.slice(at)),
  // Cut short: always unbalanced or unclosed.
  fc.integer({ min: 0, max: VALID_WKT.length - 1 }).map((cut) => VALID_WKT.slice(0, cut)),
  fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((tail) => tail.trim() !== "")
    .map((tail) => `${VALID_WKT} ${tail}`),
  badCoordinateToken.filter((t) => !/^-?\d/.test(t) || Math.abs(Number(t)) > 180).map((t) => VALID_WKT.replace("141 -30", `${t} -30`)),
  box.map(({ x0, y0, x1, y1 }) => `POLYGON((${x0} ${y0}, ${x1} ${y1}, ${x1} ${y0}, ${x0} ${y1}, ${x0} ${y0}))`),
  box.map(({ x0, y0 }) => `POLYGON((${x0} ${y0}, ${x0 + 1} ${y0}, ${x0 + 2} ${y0}, ${x0} ${y0}))`),
  fc.constantFrom<unknown>(
    "",
    "POINT(140 -30)",
    "LINESTRING(140 -30, 141 -30)",
    "POLYGON EMPTY",
    "MULTIPOLYGON EMPTY",
    "SRID=3857;" + VALID_WKT,
    "POLYGON((140 -30, 141 -30, 141 -29, 140 -29))",
    "POLYGON(140 -30, 141 -30, 141 -29, 140 -29, 140 -30)",
    "POLYGON((140 -30 1 2 3, 141 -30, 141 -29, 140 -29, 140 -30))",
    "GEOMETRYCOLLECTION(" + VALID_WKT + ")",
    "MULTIPOLYGON(((140 -30, 141 -30, 141 -29, 140 -29, 140 -30))",
    "POLYGON((-180 -90, 180 -90, 180 90, -180 90, -180 -90))",
    VALID_WKT.replaceAll(",", ""),
    "((((((((((((((((((((((((((((((",
    42,
    null,
    true,
    ["POLYGON"],
    { type: "Polygon", coordinates: [VALID_RING] },
  ),
);

/** Bodies of about 5 MB: a giant JSON string field, a giant array, or 5 MB of noise. */
export const HUGE_BODY_BYTES = 5 * 1024 * 1024;
export const hugeBody: fc.Arbitrary<(template: Record<string, unknown>) => string> = fc.constantFrom(
  (template: Record<string, unknown>) => JSON.stringify({ ...template, comment: "x".repeat(HUGE_BODY_BYTES) }),
  (template: Record<string, unknown>) => JSON.stringify({ ...template, padding: Array.from({ length: HUGE_BODY_BYTES / 8 }, (_, i) => i) }),
  () => "[".repeat(HUGE_BODY_BYTES),
  () => "\u00e9".repeat(HUGE_BODY_BYTES / 2),
);

/** Number spellings a numeric parameter may meet: signs, fractions, exponents, overflow, hex, other digits. */
export const oddNumber: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("-1", "0", "-0", "0.5", "1.5", "1e3", "1e309", "-1e309", "NaN", "Infinity", "-Infinity", "0x10", "0b1", "0o7", "1_000", "+1", " 1", "1 ", "01", "١٢", "１２", "1,5", "."),
  fc.bigInt({ min: 10n ** 19n, max: 10n ** 20n - 1n }).map(String),
  fc.bigInt({ min: 10n ** 19n, max: 10n ** 20n - 1n }).map((n) => `-${n}`),
  fc.double().map(String),
  fc.integer().map(String),
);

/** Characters no parameter should hold: NUL, the C0 and C1 controls, DEL. */
const CONTROL = [..."\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f\u0085\u009f"];

/**
 * Text a query parameter or path segment may meet: control characters, right-to-left and
 * combining marks, invisible characters, any code points, very long values, markup and SQL, empty.
 */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...CONTROL), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join("")),
  fc.constantFrom("\u202Eabc", "\u200F\u05DE\u05DC\u05DA", "\u0645\u0627\u0644\u0643", "e\u0301", "\u0301\u0301\u0301", "\uFEFF", "\u200B", "\uFFFD", "\u{1D518}\u{1D52B}", "\u{1F426}"),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.integer({ min: 1_000, max: 6_000 }).map((n) => "a".repeat(n)),
  fc.constantFrom("\u00e9".repeat(2_000), "", " ", "%00", "%FF", "%", "../", "..%2F", "' OR 1=1 --", "<script>alert(1)</script>", "null", "undefined", "[]", "{}", "true"),
);

/** Any odd value: a number spelling or odd text. */
export const oddValue: fc.Arbitrary<string> = fc.oneof(oddNumber, oddText);

/**
 * Raw percent-escapes that are no escape or decode to no UTF-8 text: lone and short escapes,
 * non-hex digits, bytes never in UTF-8, overlong forms, surrogates, cut-off sequences.
 */
export const malformedEscape: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("%", "%2", "%G0", "%zz", "%FF", "%FE", "%C0%AF", "%C1%BF", "%E0%80%AF", "%F0%80%80%AF", "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%E2%82", "%F0%9F%90", "%80", "%BF"),
  fc.integer({ min: 0x80, max: 0xff }).map((b) => `%${b.toString(16).toUpperCase()}`).filter((e) => {
    try {
      decodeURIComponent(e);
      return false;
    } catch {
      return true;
    }
  }),
);
