/**
 * A polygon typed as text: one corner per line, "longitude latitude" (a comma between them is
 * fine too). The keyboard's way to give an area that the map otherwise takes by pointer. The ring
 * is closed here; everything else (ranges, self-intersection, limits) the vetting API checks.
 */
import type { Polygon, Position } from "geojson";

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

export type CornersResult = { polygon: Polygon } | { error: string };

export function parseCorners(text: string): CornersResult {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const ring: Position[] = [];
  for (const [i, line] of lines.entries()) {
    const parts = line.split(/[\s,;]+/).filter(Boolean);
    if (parts.length !== 2 || !parts.every((p) => NUMBER.test(p))) {
      return { error: `Line ${i + 1} ("${line.slice(0, 40)}") is not "longitude latitude", e.g. 134.5 -25.2.` };
    }
    const [lon, lat] = parts.map(Number);
    if (lon < -180 || lon > 180) return { error: `Line ${i + 1}: longitude ${lon} is outside -180 to 180.` };
    if (lat < -90 || lat > 90) return { error: `Line ${i + 1}: latitude ${lat} is outside -90 to 90.` };
    ring.push([lon, lat]);
  }
  const [first] = ring;
  const last = ring[ring.length - 1];
  if (first && (first[0] !== last[0] || first[1] !== last[1])) ring.push(first);
  if (ring.length < 4) return { error: "A polygon needs at least three different corners, one per line." };
  return { polygon: { type: "Polygon", coordinates: [ring] } };
}
