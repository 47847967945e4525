// vt-pbf ships no types; this is the one function Edgar uses.
declare module "vt-pbf" {
  interface GeojsonVtFeature {
    type: 1 | 2 | 3;
    geometry: unknown;
    tags: Record<string, string | number | boolean>;
    id?: number;
  }
  const vtpbf: {
    fromGeojsonVt(layers: Record<string, { features: GeojsonVtFeature[] }>, options?: { version?: number; extent?: number }): Uint8Array;
  };
  export default vtpbf;
}
