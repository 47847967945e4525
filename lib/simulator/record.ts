import { FLAG } from "./columns";
import * as d from "./derived";
import { hash2 } from "./prng";
import { imageMetadata, storePath } from "./images";
import { collectorName, DATA_RESOURCES, LOCATION_REMARKS, REMARKS } from "./resources";
import { A, ASSERTION_KINDS, BASIS_OF_RECORD, RAW_BASIS_OF_RECORD } from "./vocab";
import type { World } from "./world";

/**
 * Records as JSON, materialised from the columns one page at a time. Keys and value types follow
 * the real answers (fixtures/ala/occurrences-search.example.json); absent values are left out,
 * as the real service does.
 */

type Json = Record<string, unknown>;

const roundTo = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

export function occurrenceId(w: World, i: number): string {
  const res = DATA_RESOURCES[w.cols.resource[i]];
  const h = hash2(w.seed ^ 0x0cc, i);
  switch (res.occurrenceId) {
    case "ebird":
      return `URN:catalog:CLO:EBIRD:OBS${100000000 + (h % 900000000)}`;
    case "inat":
      return `https://www.inaturalist.org/observations/${10000000 + (h % 200000000)}`;
    case "catalog":
      return `urn:catalog:${res.institutionCode}:Ornithology:${res.institutionCode === "AM" ? "O." : "B"}${h % 90000}`;
    default:
      return w.ids.recordUuid(i ^ 0x40000000);
  }
}

/** The name as supplied: fuzzy-matched records carry a misspelling. */
function rawScientificName(w: World, i: number, name: string): string {
  return w.cols.assertions[i] & A.TAXON_MATCH_FUZZY ? name.replace(/(.)(.)$/, "$2$1") : name;
}

export function imageIds(w: World, i: number): string[] {
  return Array.from({ length: w.cols.imageCount(i) }, (_, k) => w.ids.imageId(i, k));
}

/** A record as /occurrences/search gives it. `base` is where image URLs point. */
export function searchRecord(w: World, i: number, base: string, withImageMetadata = false): Json {
  const c = w.cols;
  const sp = w.species[c.species[i]];
  const res = DATA_RESOURCES[c.resource[i]];
  const r: Json = { uuid: w.uuid(i), occurrenceID: occurrenceId(w, i) };
  if (res.institutionCode) r.raw_institutionCode = res.institutionCode;
  r.taxonConceptID = sp.guid;
  const eventDate = d.eventDate(w, i);
  if (eventDate !== undefined) r.eventDate = eventDate;
  Object.assign(r, {
    scientificName: sp.scientificName,
    vernacularName: sp.vernacularName,
    taxonRank: "species",
    taxonRankID: 7000,
  });
  const state = d.stateProvince(w, i);
  if (state) r.country = "Australia";
  Object.assign(r, {
    kingdom: "Animalia",
    phylum: "Chordata",
    classs: "Aves",
    order: sp.order,
    family: sp.family,
    genus: sp.genus,
    genusGuid: sp.genusGuid,
    species: sp.scientificName,
    speciesGuid: sp.guid,
  });
  if (state) r.stateProvince = state;
  const hasCoords = c.hasCoordinates(i);
  const lat = c.lat(i);
  const lon = c.lon(i);
  if (hasCoords) {
    r.decimalLatitude = lat;
    r.decimalLongitude = lon;
  }
  if (!Number.isNaN(c.uncertainty[i])) r.coordinateUncertaintyInMeters = c.uncertainty[i];
  if (c.year[i]) r.year = c.year[i];
  const month = d.monthString(w, i);
  if (month) r.month = month;
  r.basisOfRecord = BASIS_OF_RECORD[c.bor[i]];
  const h = hash2(w.seed ^ 0x10c, i);
  if (h % 10 === 0) r.raw_locationRemarks = LOCATION_REMARKS[(h >>> 8) % LOCATION_REMARKS.length];
  if (c.flags[i] & FLAG.HAS_REMARKS) r.raw_occurrenceRemarks = REMARKS[hash2(w.seed ^ 0x4e, i) % REMARKS.length];
  Object.assign(r, {
    dataProviderUid: res.providerUid,
    dataProviderName: res.providerName,
    dataResourceUid: res.uid,
    dataResourceName: res.name,
    assertions: d.assertionList(w, i),
    speciesGroups: ["Animals", "Birds"],
  });
  const images = imageIds(w, i);
  if (images.length) {
    r.image = images[0];
    r.images = images;
  }
  const valid = d.spatiallyValid(w, i);
  if (valid !== undefined) r.spatiallyValid = valid;
  const collector = collectorName(c.collector[i]);
  if (collector) {
    r.recordedBy = [collector];
    r.collectors = [collector];
  }
  r.raw_scientificName = rawScientificName(w, i, sp.scientificName);
  r.raw_basisOfRecord = c.flags[i] & FLAG.RAW_BOR_CAMEL ? RAW_BASIS_OF_RECORD[c.bor[i]] : BASIS_OF_RECORD[c.bor[i]];
  if (images.length) {
    r.multimedia = ["Image"];
    r.license = res.license;
    const id = images[0];
    Object.assign(r, {
      imageUrl: `${base}/image/proxyImage?imageId=${id}`,
      largeImageUrl: `${base}/image/proxyImageThumbnailLarge?imageId=${id}`,
      smallImageUrl: `${base}/image/proxyImageThumbnail?imageId=${id}`,
      thumbnailUrl: `${base}/image/proxyImageThumbnail?imageId=${id}`,
      imageUrls: images.map((x) => `${base}/image/proxyImageThumbnailLarge?imageId=${x}`),
    });
    if (withImageMetadata) r.imageMetadata = images.map((_, k) => imageMetadata(w, i, k, base));
  } else {
    r.license = res.license;
  }
  if (valid !== undefined) r.geospatialKosher = String(valid);
  if (hasCoords) {
    Object.assign(r, {
      latLong: `${lat},${lon}`,
      point1: `${roundTo(lat, 0)},${roundTo(lon, 0)}`,
      point01: `${roundTo(lat, 1)},${roundTo(lon, 1)}`,
      point001: `${roundTo(lat, 2)},${roundTo(lon, 2)}`,
      point0001: `${roundTo(lat, 3)},${roundTo(lon, 3)}`,
      point00001: `${roundTo(lat, 4)},${roundTo(lon, 4)}`,
    });
  }
  if (collector) r.collector = [collector];
  if (res.uid === "dr364") r.recordNumber = `https://biocollect.ala.org.au/sightings/bioActivity/index/${w.ids.recordUuid(i ^ 0x10000000)}`;
  else if (res.occurrenceId === "catalog") r.recordNumber = String(h % 100000);
  r.namesLsid = `${sp.scientificName}|${sp.guid}|${sp.vernacularName}|Animalia|${sp.family}`;
  r.left = 100000 + sp.index * 16;
  r.right = 100000 + sp.index * 16;
  const dup = d.duplicateStatus(w, i);
  if (dup) r.duplicateStatus = dup;
  const sensitive = d.sensitive(w, i);
  if (sensitive) {
    r.sensitive = sensitive;
    const metres = d.generalisationMetres(w, i);
    if (sensitive === "generalised") {
      r.generalisationToApplyInMetres = String(metres);
      r.dataGeneralizations = `Record is ${sp.vernacularName} — a sensitive species. Location generalised to ${metres! / 1000} km.`;
    }
  }
  const userAssertions = d.userAssertionStatus(w, i);
  if (userAssertions) r.userAssertions = userAssertions;
  const outliers = d.outlierLayerCount(w, i);
  if (outliers !== undefined) r.outlierLayerCount = outliers;
  r.lastLoadDate = c.lastLoad[i];
  r.firstLoadedDate = c.firstLoad[i] * 1000;
  return r;
}

/** GET /occurrence/{uuid}: raw and processed views, assertions split by outcome, images. */
export function fullRecord(w: World, i: number, base: string): Json {
  const p = searchRecord(w, i, base);
  const c = w.cols;
  const uuid = w.uuid(i);
  // The provider sent latitude and longitude the wrong way round; processing swapped them back.
  const swapped = c.assertions[i] & A.PRESUMED_SWAPPED_COORDINATE;
  const pick = (keys: string[], from: Json = p) => Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
  const eventDate = typeof p.eventDate === "number" ? new Date(p.eventDate).toISOString().slice(0, 10) : undefined;
  const view = (raw: boolean): Json => ({
    rowKey: uuid,
    uuid,
    occurrence: {
      ...pick(["occurrenceID", "basisOfRecord", "license"]),
      ...(raw ? { basisOfRecord: p.raw_basisOfRecord } : {}),
      ...(p.recordedBy ? { recordedBy: (p.recordedBy as string[]).join("|") } : {}),
      ...(p.raw_occurrenceRemarks ? { occurrenceRemarks: p.raw_occurrenceRemarks } : {}),
      ...(p.images ? { associatedMedia: (p.images as string[]).join(";"), images: p.images } : {}),
      ...(raw ? {} : pick(["duplicateStatus", "outlierLayerCount"])),
    },
    classification: raw
      ? { scientificName: p.raw_scientificName, vernacularName: p.vernacularName, kingdom: "Animalia", family: p.family }
      : {
          ...pick(["scientificName", "vernacularName", "taxonConceptID", "taxonRank", "taxonRankID", "kingdom", "phylum", "classs", "order", "family", "genus", "species"]),
          speciesID: p.speciesGuid,
          genusID: p.genusGuid,
          speciesGroups: p.speciesGroups,
        },
    location: {
      ...(raw && swapped && p.decimalLatitude !== undefined
        ? { decimalLatitude: String(p.decimalLongitude), decimalLongitude: String(p.decimalLatitude) }
        : raw
          ? { ...(p.decimalLatitude !== undefined ? { decimalLatitude: String(p.decimalLatitude), decimalLongitude: String(p.decimalLongitude) } : {}) }
          : pick(["decimalLatitude", "decimalLongitude"])),
      ...(p.coordinateUncertaintyInMeters !== undefined ? { coordinateUncertaintyInMeters: raw ? String(p.coordinateUncertaintyInMeters) : p.coordinateUncertaintyInMeters } : {}),
      ...pick(["stateProvince", "country"]),
      ...(raw ? {} : { geodeticDatum: "EPSG:4326" }),
    },
    event: {
      ...(eventDate ? { eventDate } : {}),
      ...(p.year !== undefined ? { year: String(p.year) } : {}),
      ...(p.month !== undefined ? { month: p.month } : {}),
      ...(c.day[i] ? { day: String(c.day[i]) } : {}),
    },
    attribution: pick(["dataResourceUid", "dataResourceName", "dataProviderUid", "dataProviderName"]),
    identification: {},
    measurement: {},
    ...(raw ? {} : { sensitive: p.sensitive ?? null, dataGeneralizations: p.dataGeneralizations ?? null }),
    assertions: raw ? [] : p.assertions,
    lastModifiedTime: new Date(c.lastLoad[i]).toISOString(),
    firstLoaded: new Date(c.firstLoad[i] * 1000).toISOString(),
  });
  const failed: Json[] = [];
  const warning: Json[] = [];
  const missing: Json[] = [];
  const passed: Json[] = [];
  const legacy = d.isLegacy(w, i);
  ASSERTION_KINDS.forEach((k, bit) => {
    const name = legacy ? k.legacy : k.current;
    if (!name) return;
    const entry = { name, code: k.code, qaStatus: 0, comment: k.description, problemAsserted: true };
    if (!(c.assertions[i] & (1 << bit))) {
      if (k.category === "Error" && passed.length < 8) passed.push({ ...entry, qaStatus: 1, problemAsserted: false });
      return;
    }
    (k.category === "Error" ? failed : k.category === "Missing" ? missing : warning).push(entry);
  });
  const userAssertions = p.userAssertions
    ? [
        {
          uuid: w.ids.recordUuid(i ^ 0x20000000),
          occurrenceId: uuid,
          code: 20019,
          name: "userAssertionOther",
          comment: "Location looks wrong <b>(far outside range)</b> — please check.",
          userDisplayName: "Zoë Müller",
          created: new Date(c.lastLoad[i]).toISOString(),
          qaStatus: Number(p.userAssertions),
        },
      ]
    : [];
  return {
    raw: view(true),
    processed: view(false),
    systemAssertions: { failed, warning, missing, passed, unchecked: [] },
    userAssertions,
    images: imageIds(w, i).map((id, k) => {
      const m = imageMetadata(w, i, k, base);
      const store = storePath(base, id);
      return {
        filePath: `/data/biocache-media/${DATA_RESOURCES[c.resource[i]].uid}/${id}`,
        alternativeFormats: { imageUrl: m.imageUrl, thumbnailUrl: `${store}/thumbnail`, smallImageUrl: `${store}/thumbnail`, largeImageUrl: `${store}/thumbnail_large` },
        metadata: m,
      };
    }),
    sounds: [],
  };
}
