import type { FeatureCollection } from "geojson";

/**
 * Australian state and territory borders, simplified to a few vertices each (river borders
 * approximated). world-atlas has no admin-1 layer, and these lines only orient the viewer.
 */
const lines: [string, [number, number][]][] = [
  ["WA", [[129, -14.88], [129, -31.69]]],
  ["NT/SA", [[129, -26], [138, -26]]],
  ["NT/QLD", [[138, -26], [138, -16.54]]],
  ["SA/QLD", [[138, -26], [141, -26], [141, -29]]],
  ["QLD/NSW", [[141, -29], [148.96, -29], [149.5, -28.6], [150.4, -28.65], [151.05, -28.97], [151.55, -28.95], [152.05, -28.55], [152.5, -28.35], [153.0, -28.27], [153.55, -28.17]]],
  ["SA/NSW/VIC", [[141, -29], [141, -34], [140.97, -38.06]]],
  ["NSW/VIC", [[141, -34], [142, -34.6], [143.3, -35.3], [144.5, -36], [145.5, -35.9], [146.6, -36], [147.4, -36], [148.2, -36.8], [149.98, -37.51]]],
  ["ACT", [[149, -35.12], [149.4, -35.32], [149.2, -35.92], [148.8, -35.75], [148.76, -35.4], [149, -35.12]]],
];

export const AUSTRALIAN_STATE_BORDERS: FeatureCollection = {
  type: "FeatureCollection",
  features: lines.map(([name, coordinates]) => ({
    type: "Feature",
    properties: { name },
    geometry: { type: "LineString", coordinates },
  })),
};
