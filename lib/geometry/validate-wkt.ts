/**
 * WKT areas, as the ALA-style /ws/vettings service receives them: POLYGON or MULTIPOLYGON in
 * WGS84 longitude/latitude (optionally `SRID=4326;`), case-insensitive, then the same checks as
 * GeoJSON areas (validate.ts).
 */
import wkx from "wkx";
import type { Area } from "./point-in-area";
import { GeometryError, validateArea } from "./validate";

const WKT_HEAD = /^(?:SRID=(\d+);)?\s*(MULTIPOLYGON|POLYGON)\b/;
const WKT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:E[+-]?\d+)?$/;

export function parseWktArea(text: unknown): Area {
  if (typeof text !== "string") throw new GeometryError("must be a WKT string, e.g. POLYGON((lon lat, ...))", "invalid_wkt");
  const wkt = text.trim().toUpperCase();
  const head = WKT_HEAD.exec(wkt);
  if (!head) {
    const found = /^(?:SRID=\d+;)?\s*([A-Z]+)/.exec(wkt)?.[1];
    throw new GeometryError(`must be a WKT POLYGON or MULTIPOLYGON${found ? `, not ${found.slice(0, 40)}` : ""}`, "invalid_wkt");
  }
  if (head[1] !== undefined && head[1] !== "4326") {
    throw new GeometryError(`uses SRID ${head[1]}; send WGS84 longitude/latitude (SRID 4326)`, "invalid_wkt");
  }
  // wkx stops reading at the end of the geometry and ignores whatever follows; refuse that here.
  if (!balancedToTheEnd(wkt)) {
    throw new GeometryError("is not valid WKT: unbalanced parentheses, or text after the geometry", "invalid_wkt");
  }
  // wkx reads each coordinate with parseFloat, which stops quietly at the first stray character
  // ("14*0" becomes 14, and the area moves). Tokens that are no number at all become NaN, which
  // validateArea reports with their position.
  const stray = wkt
    .slice(head[0].length)
    .split(/[\s,()]+/)
    .find((token) => !Number.isNaN(parseFloat(token)) && !WKT_NUMBER.test(token));
  if (stray !== undefined) {
    throw new GeometryError(`is not valid WKT: "${stray.slice(0, 40)}" where a number belongs`, "invalid_wkt");
  }
  let geometry: unknown;
  try {
    geometry = wkx.Geometry.parse(wkt).toGeoJSON();
  } catch (err) {
    throw new GeometryError(`is not valid WKT: ${(err as Error).message}`, "invalid_wkt");
  }
  return validateArea(geometry);
}

/** Parentheses balance and the text ends where the outermost group closes (or with EMPTY). */
function balancedToTheEnd(wkt: string): boolean {
  if (/\bEMPTY$/.test(wkt)) return !wkt.includes("(");
  let depth = 0;
  for (let i = 0; i < wkt.length; i++) {
    if (wkt[i] === "(") depth++;
    else if (wkt[i] === ")" && --depth < 0) return false;
    if (depth === 0 && wkt[i] === ")" && i !== wkt.length - 1) return false;
  }
  return depth === 0 && wkt.endsWith(")");
}
