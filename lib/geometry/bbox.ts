import type { Area } from "./point-in-area";

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

export function bboxOf(area: Area): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = area.type === "Polygon" ? [area.coordinates] : area.coordinates;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (const [x, y] of ring) {
        if (x < box[0]) box[0] = x;
        if (y < box[1]) box[1] = y;
        if (x > box[2]) box[2] = x;
        if (y > box[3]) box[3] = y;
      }
    }
  }
  return box;
}

/** Whether two boxes share any point (touching edges count). */
export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
