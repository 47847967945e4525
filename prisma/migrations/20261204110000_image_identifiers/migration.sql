-- Image URLs were stored absolute, so they broke when the images service's base URL changed
-- (ALA_IMAGES_URL, or the demo's simulator on a new port). Only the identifier is kept now and
-- URLs are built from the configuration when answering. A stored URL names the identifier the
-- images service confirmed: carry it over, in any of the forms the service or simulator used.
UPDATE occurrence_images
   SET image_id = extracted
  FROM (
    SELECT occurrence_id,
           COALESCE(substring(u FROM '[?&]imageId=([^&#]+)'),
                    substring(u FROM '/store/[^/]+/[^/]+/[^/]+/[^/]+/([^/?#]+)/'),
                    substring(u FROM '/image/([^/?#]+)/')) AS extracted
      FROM (SELECT occurrence_id, COALESCE(image_url, thumbnail_url) AS u FROM occurrence_images) urls
  ) ids
 WHERE ids.occurrence_id = occurrence_images.occurrence_id
   AND ids.extracted IS NOT NULL
   AND ids.extracted <> occurrence_images.image_id;

ALTER TABLE occurrence_images DROP COLUMN thumbnail_url, DROP COLUMN image_url;
