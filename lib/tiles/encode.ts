import vtpbf from "vt-pbf";
import { TILE_EXTENT, type TileFeature } from "./packed-index";

export const LAYER = "occurrences";

/** A Mapbox Vector Tile (spec v2) with the one `occurrences` layer. */
export function encodeTile(features: TileFeature[]): Uint8Array {
  return vtpbf.fromGeojsonVt({ [LAYER]: { features } }, { version: 2, extent: TILE_EXTENT });
}
