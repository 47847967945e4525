/**
 * Where the ALA images service serves an image, built from its identifier and the service's
 * base URL at the time of asking. Edgar stores only identifiers: stored URLs would name a host
 * that may have moved (a restarted simulator on another port, a changed ALA_IMAGES_URL).
 * The paths are the service's own (image-service `UrlMappings`, `ImageStoreService`).
 */

/** The thumbnail: `/image/{id}/thumbnail`. */
export function imageThumbnailUrl(base: string, imageId: string): string {
  return `${trimSlash(base)}/image/${encodeURIComponent(imageId)}/thumbnail`;
}

/**
 * The original file, as `ImageStoreService.getImageUrl` links it: `/store/{a}/{b}/{c}/{d}/{id}/original`,
 * where a–d are the identifier's last four characters, last first. Shorter identifiers (not
 * the service's uuids) use its other mapping, `/image/{id}/original`.
 */
export function imageOriginalUrl(base: string, imageId: string): string {
  const id = encodeURIComponent(imageId);
  if (imageId.length < 4) return `${trimSlash(base)}/image/${id}/original`;
  const shard = [1, 2, 3, 4].map((k) => encodeURIComponent(imageId[imageId.length - k])).join("/");
  return `${trimSlash(base)}/store/${shard}/${id}/original`;
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");
