/** Rough geography of Australia: enough to put records on land, in the right region and state. */

type Ring = readonly (readonly [lon: number, lat: number])[];

const MAINLAND: Ring = [
  [113.7, -21.8], [114.1, -21.8], [116.8, -20.6], [118.8, -20.3], [121.0, -19.5], [122.2, -18.1],
  [122.3, -17.0], [123.6, -16.2], [125.1, -14.6], [126.9, -13.8], [128.1, -15.0], [129.5, -14.9],
  [130.0, -13.1], [130.6, -12.2], [132.6, -11.4], [133.5, -11.8], [135.2, -12.1], [136.8, -12.1],
  [136.0, -13.3], [135.5, -14.9], [137.0, -16.0], [139.3, -17.4], [140.8, -17.4], [141.6, -15.0],
  [141.6, -12.6], [142.5, -10.7], [143.8, -14.0], [145.3, -14.9], [146.3, -18.9], [149.0, -20.5],
  [150.8, -22.6], [153.2, -25.6], [153.7, -28.6], [153.1, -31.5], [151.4, -33.9], [150.1, -37.5],
  [147.9, -37.95], [146.3, -39.15], [144.9, -37.9], [143.5, -38.85], [140.6, -38.1], [139.6, -37.0],
  [138.0, -35.7], [138.5, -34.8], [137.8, -32.7], [137.4, -34.1], [136.0, -34.95], [135.2, -34.7],
  [134.2, -32.7], [131.2, -31.5], [129.0, -31.7], [126.0, -32.3], [123.6, -33.95], [119.9, -34.05],
  [118.0, -35.15], [115.0, -34.4], [115.6, -33.3], [115.7, -31.6], [114.9, -29.0], [113.4, -26.0],
  [113.4, -24.5],
];

const TASMANIA: Ring = [
  [144.6, -40.65], [148.35, -40.85], [148.35, -42.2], [147.4, -43.35], [146.0, -43.65], [145.2, -42.2],
];

/**
 * Point-in-polygon by the even-odd rule over the edges of both rings, bucketed into 0.05° latitude
 * bands: generation calls this tens of millions of times, and a band holds only a few edges.
 */
const BAND = { north: -10.0, step: 0.05, count: 700 };
const BANDS: Float64Array[] = (() => {
  const lists: number[][] = Array.from({ length: BAND.count }, () => []);
  for (const ring of [MAINLAND, TASMANIA]) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x0, y0] = ring[j];
      const [x1, y1] = ring[i];
      const top = Math.floor((BAND.north - Math.max(y0, y1)) / BAND.step);
      const bottom = Math.floor((BAND.north - Math.min(y0, y1)) / BAND.step);
      for (let b = Math.max(0, top); b <= Math.min(BAND.count - 1, bottom); b++) lists[b].push(x0, y0, x1, y1);
    }
  }
  return lists.map((l) => Float64Array.from(l));
})();

export function onLand(lat: number, lon: number): boolean {
  const b = Math.floor((BAND.north - lat) / BAND.step);
  if (b < 0 || b >= BAND.count) return false;
  const e = BANDS[b];
  let inside = false;
  for (let k = 0; k < e.length; k += 4) {
    const x0 = e[k];
    const y0 = e[k + 1];
    const x1 = e[k + 2];
    const y1 = e[k + 3];
    if (y1 > lat !== y0 > lat && lon < ((x0 - x1) * (lat - y1)) / (y0 - y1) + x1) inside = !inside;
  }
  return inside;
}

/** Victoria's northern border: the Murray, then the straight line to Cape Howe. */
const VIC_BORDER: Ring = [[141, -34.0], [144, -35.8], [146, -36.0], [148.2, -36.8], [150, -37.5]];

function vicBorderLat(lon: number): number {
  for (let i = 1; i < VIC_BORDER.length; i++) {
    const [x0, y0] = VIC_BORDER[i - 1];
    const [x1, y1] = VIC_BORDER[i];
    if (lon <= x1) return y0 + ((lon - x0) * (y1 - y0)) / (x1 - x0);
  }
  return -37.5;
}

/** The state or territory a point on land falls in (straight-line borders, good to a few km). */
export function stateOf(lat: number, lon: number): string {
  if (lat < -39.3 && lon > 143.5) return "Tasmania";
  if (lon < 129) return "Western Australia";
  if (lon < 138) return lat > -26 ? "Northern Territory" : "South Australia";
  if (lon < 141) return lat > -26 ? "Queensland" : "South Australia";
  if (lat > -29) return "Queensland";
  if (lat > -35.92 && lat < -35.12 && lon > 148.76 && lon < 149.4) return "Australian Capital Territory";
  return lat < vicBorderLat(lon) ? "Victoria" : "New South Wales";
}

/** Where records of a region's species cluster: towns and reserves, i.e. where birders are. */
export const REGION_ANCHORS: Record<string, Ring> = {
  SE: [[144.96, -37.81], [149.13, -35.28], [146.9, -36.08], [144.28, -36.76], [147.5, -37.9], [138.7, -34.95], [143.85, -37.56], [147.37, -35.12]],
  E: [[151.2, -33.87], [153.03, -27.47], [151.75, -32.93], [153.1, -30.3], [150.5, -23.4], [151.65, -30.5], [149.2, -21.15], [151.95, -27.56], [150.9, -34.4], [149.8, -36.7]],
  NE: [[145.77, -16.92], [146.8, -19.26], [145.47, -17.27], [145.25, -15.47], [143.3, -12.7], [145.4, -16.25]],
  N: [[130.84, -12.46], [132.4, -12.7], [132.26, -14.47], [128.74, -15.77], [122.24, -17.96], [141.87, -12.63], [140.84, -17.49], [123.63, -17.3], [141.07, -17.67]],
  A: [[133.88, -23.7], [131.03, -25.34], [139.35, -25.9], [141.47, -31.95], [121.47, -30.75], [134.19, -19.65], [144.25, -23.44], [119.73, -23.36], [134.75, -29.0], [120.2, -26.6], [145.94, -30.09], [139.5, -20.73]],
  SW: [[115.86, -31.95], [117.88, -35.02], [115.07, -33.95], [121.89, -33.86], [114.6, -28.78], [117.18, -32.93], [118.0, -34.4]],
  T: [[147.33, -42.88], [147.14, -41.43], [145.95, -41.65], [147.3, -43.2], [148.24, -41.32], [145.33, -42.15]],
  S: [[138.6, -34.93], [135.87, -34.72], [142.48, -38.38], [137.6, -35.75], [140.78, -37.83], [139.5, -35.9], [146.4, -39.0], [117.88, -35.02], [121.89, -33.86], [133.68, -32.13]],
  C: [[151.25, -33.85], [153.1, -27.4], [145.78, -16.9], [130.84, -12.45], [122.23, -17.95], [115.75, -32.0], [138.5, -34.9], [144.9, -37.85], [147.35, -42.9], [146.82, -19.25], [118.6, -20.33], [113.66, -24.88], [151.26, -23.84], [153.4, -28.0]],
};
REGION_ANCHORS.W = Object.values(REGION_ANCHORS).flat();

/** Where the ALA flags "coordinates centre of country" (the point geocoders return for "Australia"). */
export const CENTRE_OF_AUSTRALIA = { lat: -25.274398, lon: 133.775136 };

/** A rough central point per state, for "coordinates centre of state" records. */
export const STATE_CENTRES: readonly { lat: number; lon: number }[] = [
  { lat: -32.0, lon: 147.0 }, // New South Wales
  { lat: -36.85, lon: 144.28 }, // Victoria
  { lat: -22.5, lon: 144.0 }, // Queensland
  { lat: -30.0, lon: 135.0 }, // South Australia
  { lat: -25.0, lon: 122.0 }, // Western Australia
  { lat: -19.5, lon: 133.0 }, // Northern Territory
  { lat: -42.0, lon: 146.6 }, // Tasmania
];
