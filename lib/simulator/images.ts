/**
 * The images service's part of the simulator, as AtlasOfLivingAustralia/image-service answers:
 * `GET /ws/image/{id}` is `WebServiceController.getImageInfo`, whose body is
 * `ImageService.addImageInfoToMap` (the id as `imageIdentifier`, unknown texts as empty strings,
 * no thumbnail field, `imageUrl` as `ImageStoreService.getImageUrl` links it), 404
 * `{ success: false, message }` for an unknown id. The files answer at the service's own paths
 * (`UrlMappings`): `/image/{id}/thumbnail` (and its other sizes), `/store/{a}/{b}/{c}/{d}/{id}/…`,
 * and the older `/image/proxyImage*?imageId=` forms the biocache's records link to.
 */
import * as d from "./derived";
import { hash2, Rng } from "./prng";
import { collectorName, DATA_RESOURCES, IMAGE_LICENCES, REMARKS } from "./resources";
import type { World } from "./world";

type Json = Record<string, unknown>;

/** One PNG pixel: what every image file answers (Edgar only needs a valid image). */
export const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhAH+Jm7yGQAAAABJRU5ErkJggg==", "base64");

/** The licences the service recognises (its `License` table), by the text a record carries. */
const RECOGNISED: Record<(typeof IMAGE_LICENCES)[number], { acronym: string; name: string; url: string }> = {
  "CC BY 4.0": { acronym: "CC BY", name: "Creative Commons Attribution 4.0", url: "https://creativecommons.org/licenses/by/4.0/" },
  "CC BY-NC 4.0": { acronym: "CC BY-NC", name: "Creative Commons Attribution-NonCommercial 4.0", url: "https://creativecommons.org/licenses/by-nc/4.0/" },
  "CC0 1.0": { acronym: "CC0", name: "Creative Commons Zero 1.0", url: "https://creativecommons.org/publicdomain/zero/1.0/" },
  "CC BY-SA 4.0": { acronym: "CC BY-SA", name: "Creative Commons Attribution-ShareAlike 4.0", url: "https://creativecommons.org/licenses/by-sa/4.0/" },
  "CC BY-NC-SA 4.0": { acronym: "CC BY-NC-SA", name: "Creative Commons Attribution-NonCommercial-ShareAlike 4.0", url: "https://creativecommons.org/licenses/by-nc-sa/4.0/" },
  "CC BY 3.0 AU": { acronym: "CC BY 3.0 AU", name: "Creative Commons Attribution 3.0 Australia", url: "https://creativecommons.org/licenses/by/3.0/au/" },
};

/** `/store/{a}/{b}/{c}/{d}/{id}`: a–d are the id's last four characters, last first (`ImageStoreService`). */
export function storePath(base: string, id: string): string {
  return `${base}/store/${id[id.length - 1]}/${id[id.length - 2]}/${id[id.length - 3]}/${id[id.length - 4]}/${id}`;
}

/** Groovy's `date.format("yyyy-MM-dd HH:mm:ss")`. */
const serviceDate = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** What `/ws/image/{id}` says of image k of record i, key for key as `addImageInfoToMap` writes it. */
export function imageMetadata(w: World, i: number, k: number, base: string): Json {
  const id = w.ids.imageId(i, k);
  const rng = new Rng(hash2(w.seed ^ 0x1a6e, i * 4 + k));
  const landscape = rng.chance(0.7);
  const long = 1600 + rng.int(4) * 400;
  const short = Math.round(long * (0.56 + rng.next() * 0.2));
  const creator = collectorName(w.cols.collector[i]) ?? "Unknown photographer";
  const png = rng.chance(0.05);
  const taken = d.eventDate(w, i);
  const sp = w.species[w.cols.species[i]];
  const license = IMAGE_LICENCES[rng.int(IMAGE_LICENCES.length)];
  const recognised = RECOGNISED[license];
  return {
    success: true,
    imageIdentifier: id,
    mimeType: png ? "image/png" : "image/jpeg",
    originalFileName: `IMG_${1000 + rng.int(9000)}.${png ? "png" : "jpg"}`,
    sizeInBytes: 200_000 + rng.int(4_000_000),
    rights: "",
    rightsHolder: rng.chance(0.8) ? creator : DATA_RESOURCES[w.cols.resource[i]].providerName,
    dateUploaded: serviceDate(w.cols.firstLoad[i] * 1000),
    dateTaken: taken !== undefined ? serviceDate(taken) : null,
    imageUrl: `${storePath(base, id)}/original`,
    tileUrlPattern: `${storePath(base, id)}/tms/{z}/{x}/{y}.png`,
    mmPerPixel: "",
    height: landscape ? short : long,
    width: landscape ? long : short,
    tileZoomLevels: 4 + rng.int(3),
    description: rng.chance(0.2) ? rng.pick(REMARKS) : "",
    title: `${sp.vernacularName} (${sp.scientificName})`,
    type: "",
    audience: "",
    references: "",
    publisher: "",
    contributor: "",
    created: "",
    source: "",
    creator,
    license,
    recognisedLicence: { ...recognised, imageUrl: "" },
    dataResourceUid: DATA_RESOURCES[w.cols.resource[i]].uid,
    occurrenceID: w.uuid(i),
  };
}

/** The image an id names, if the world holds it (a live record's image). */
function imageRef(w: World, id: string): { index: number; k: number } | null {
  const ref = w.ids.imageRef(id);
  return ref && w.isLive(ref.index) && ref.k < w.cols.imageCount(ref.index) ? ref : null;
}

export type ImagesAnswer = { status: number; json: Json } | { status: number; png: true } | null;

/** The images service's answer to a path, or null when the path is not the images service's. */
export function answerImages(w: World, path: string, params: URLSearchParams, base: string): ImagesAnswer {
  let m: RegExpExecArray | null;
  if ((m = /^\/ws\/image\/([^/]+?)(?:\.json)?$/.exec(path))) {
    const ref = imageRef(w, decodeURIComponent(m[1]));
    return ref ? { status: 200, json: imageMetadata(w, ref.index, ref.k, base) } : { status: 404, json: { success: false, message: "image id not found" } };
  }
  const file =
    /^\/image\/([^/]+)\/(?:thumbnail(?:_[a-z]+)?|original|large|square|xlarge)$/.exec(path) ??
    /^\/store\/[^/]\/[^/]\/[^/]\/[^/]\/([^/]+)\/(?:thumbnail(?:_[a-z]+)?|original)$/.exec(path);
  const id = file ? decodeURIComponent(file[1]) : /^\/image\/proxyImage(Thumbnail|ThumbnailLarge)?$/.test(path) ? params.get("imageId") : undefined;
  if (id === undefined) return null;
  return id !== null && imageRef(w, id) ? { status: 200, png: true } : { status: 404, json: { success: false, message: "image id not found" } };
}
