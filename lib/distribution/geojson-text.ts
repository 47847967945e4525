/**
 * A feature collection's JSON text, a feature with no properties (a display cell) kept by its
 * geometry object: the cells a species' grid drew before come back as the same objects (grid.ts),
 * so after a vetting most of the cells' 10 MB of text (for the largest species) is not made again.
 * So a geometry given here must not change afterwards.
 */
import type { Feature, FeatureCollection, Geometry } from "geojson";

const plainTexts = new WeakMap<Geometry, string>();

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

function featureText(feature: Feature): string {
  const { geometry, properties } = feature;
  // Only `{ type, properties: {}, geometry }`: anything else is written as it is.
  if (geometry === null || properties === null || !isEmpty(properties) || Object.keys(feature).length !== 3) return JSON.stringify(feature);
  let text = plainTexts.get(geometry);
  if (text === undefined) plainTexts.set(geometry, (text = `{"type":"Feature","properties":{},"geometry":${JSON.stringify(geometry)}}`));
  return text;
}

/** The collection's JSON: JSON.stringify's text for one written `{ type, features }` of features written `{ type, properties, geometry }`. */
export function featureCollectionText(collection: FeatureCollection): string {
  if (Object.keys(collection).length !== 2) return JSON.stringify(collection);
  return `{"type":"FeatureCollection","features":[${collection.features.map(featureText).join(",")}]}`;
}
