/**
 * Equal-area projections of the WGS84 ellipsoid centred on a species' points, as GeoCAT and rCAT
 * choose them: cylindrical equal area (true scale at the centre's latitude) when the centre lies
 * below 70° of latitude, Lambert azimuthal equal area above. Areas measured in either are areas on
 * the ellipsoid. Longitudes are taken relative to the centre, so points either side of the
 * antimeridian stay neighbours. Formulas: Snyder, Map Projections — A Working Manual (1987),
 * pp. 76–85 and 182–190; the same PROJ's `cea` and `laea` use.
 */

const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const RAD = Math.PI / 180;

/** Snyder's q (3-12): the authalic latitude's sine, times qp. */
function q(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - es * es) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
}
const QP = q(1);

/** Latitude (radians) from authalic latitude β (Snyder 3-18). */
function latitudeFromAuthalic(beta: number): number {
  const e4 = E2 * E2;
  const e6 = e4 * E2;
  return (
    beta +
    (E2 / 3 + (31 * e4) / 180 + (517 * e6) / 5040) * Math.sin(2 * beta) +
    ((23 * e4) / 360 + (251 * e6) / 3780) * Math.sin(4 * beta) +
    ((761 * e6) / 45360) * Math.sin(6 * beta)
  );
}

/** Longitude difference in (-180, 180], so the antimeridian is no seam. */
export function wrapDegrees(d: number): number {
  const w = ((((d + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

export interface Projection {
  /** PROJ string of the same projection, for checking against PROJ (test/fixtures/distribution). */
  proj: string;
  kind: "cea" | "laea";
  centre: { lon: number; lat: number };
  /** lon/lat degrees → metres. */
  forward(lon: number, lat: number): [number, number];
  /** metres → lon/lat degrees; longitudes continue past ±180 around the centre (no jump at the seam). */
  inverse(x: number, y: number): [number, number];
}

/** Below this centre latitude (absolute, degrees) the cylindrical projection is used. */
export const CYLINDRICAL_BELOW_LATITUDE = 70;

/**
 * Each unit vector component is summed as two whole numbers, its 2^-26ths and the 2^-52ths left
 * over: sums of whole numbers below 2^53 are exact in any order (up to 2^27 points), so the centre
 * does not depend on the order PostgreSQL returns the records in, as a float sum did in its last
 * bits, and with it every figure.
 */
const SCALE = 2 ** 26;

class ExactSum {
  high = 0;
  low = 0;

  add(v: number): void {
    const scaled = v * SCALE;
    const high = Math.round(scaled);
    this.high += high;
    this.low += Math.round((scaled - high) * SCALE);
  }

  get value(): number {
    return this.high / SCALE + this.low / (SCALE * SCALE);
  }
}

/**
 * The centre of a point set: the mean of its unit vectors on the sphere (rCAT's "true centre of
 * gravity"), which is right for sets that straddle the antimeridian, where a mean of longitudes is not.
 */
export function centreOf(lon: ArrayLike<number>, lat: ArrayLike<number>): { lon: number; lat: number } {
  const x = new ExactSum();
  const y = new ExactSum();
  const z = new ExactSum();
  for (let i = 0; i < lon.length; i++) {
    const l = lon[i] * RAD;
    const p = lat[i] * RAD;
    x.add(Math.cos(p) * Math.cos(l));
    y.add(Math.cos(p) * Math.sin(l));
    z.add(Math.sin(p));
  }
  if (lon.length === 0) throw new Error("the centre of no points");
  return { lon: Math.atan2(y.value, x.value) / RAD, lat: Math.atan2(z.value, Math.hypot(x.value, y.value)) / RAD };
}

export function projectionFor(centre: { lon: number; lat: number }): Projection {
  return Math.abs(centre.lat) < CYLINDRICAL_BELOW_LATITUDE ? cylindrical(centre) : azimuthal(centre);
}

function cylindrical(centre: { lon: number; lat: number }): Projection {
  const sinTs = Math.sin(centre.lat * RAD);
  const k0 = Math.cos(centre.lat * RAD) / Math.sqrt(1 - E2 * sinTs * sinTs);
  return {
    proj: `+proj=cea +lon_0=${centre.lon} +lat_ts=${centre.lat} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`,
    kind: "cea",
    centre,
    forward(lon, lat) {
      return [A * k0 * wrapDegrees(lon - centre.lon) * RAD, (A * q(Math.sin(lat * RAD))) / (2 * k0)];
    },
    inverse(x, y) {
      const beta = Math.asin(Math.max(-1, Math.min(1, (2 * y * k0) / (A * QP))));
      return [centre.lon + x / (A * k0) / RAD, latitudeFromAuthalic(beta) / RAD];
    },
  };
}

/** Snyder's oblique ellipsoidal form; a centre at a pole itself is moved 0.001° off it (the form divides by its cosine). */
function azimuthal(at: { lon: number; lat: number }): Projection {
  const centre = { lon: at.lon, lat: Math.max(-89.999, Math.min(89.999, at.lat)) };
  const phi1 = centre.lat * RAD;
  const sin1 = Math.sin(phi1);
  const beta1 = Math.asin(q(sin1) / QP);
  const rq = A * Math.sqrt(QP / 2);
  const m1 = Math.cos(phi1) / Math.sqrt(1 - E2 * sin1 * sin1);
  const d = (A * m1) / (rq * Math.cos(beta1));
  const sinB1 = Math.sin(beta1);
  const cosB1 = Math.cos(beta1);
  return {
    proj: `+proj=laea +lon_0=${at.lon} +lat_0=${at.lat} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`,
    kind: "laea",
    centre: at,
    forward(lon, lat) {
      const dl = wrapDegrees(lon - centre.lon) * RAD;
      const beta = Math.asin(q(Math.sin(lat * RAD)) / QP);
      const sinB = Math.sin(beta);
      const cosB = Math.cos(beta);
      const b = rq * Math.sqrt(2 / (1 + sinB1 * sinB + cosB1 * cosB * Math.cos(dl)));
      return [b * d * cosB * Math.sin(dl), (b / d) * (cosB1 * sinB - sinB1 * cosB * Math.cos(dl))];
    },
    inverse(x, y) {
      const rho = Math.hypot(x / d, d * y);
      if (rho === 0) return [centre.lon, centre.lat];
      const ce = 2 * Math.asin(Math.min(1, rho / (2 * rq)));
      const beta = Math.asin(Math.cos(ce) * sinB1 + (d * y * Math.sin(ce) * cosB1) / rho);
      const dl = Math.atan2(x * Math.sin(ce), d * rho * cosB1 * Math.cos(ce) - d * d * y * sinB1 * Math.sin(ce));
      return [centre.lon + dl / RAD, latitudeFromAuthalic(beta) / RAD];
    },
  };
}
