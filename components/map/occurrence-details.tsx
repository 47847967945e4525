"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import type { OccurrenceDetail, OccurrenceImage } from "@/lib/occurrences/detail";
import { useOccurrence } from "@/components/species/api";
import { CategorySwatch } from "@/components/species/category-swatch";
import { categoryLabel, formatBasisOfRecord, formatDate, formatDateTime, formatMetres } from "@/components/species/format";

/** Only http(s) links from the source are followed: anything else (javascript:, data:) is dropped. */
const safeUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_1fr] gap-2 py-0.5">
      <dt className="text-slate-500">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function Photo({ image, name }: { image: OccurrenceImage; name: string }) {
  const thumbnail = safeUrl(image.thumbnailUrl);
  // Nothing is shown without its licence.
  if (!image.license || !thumbnail) {
    return <p className="text-xs text-slate-500">This record has an image whose licence is not known yet, so it is not shown.</p>;
  }
  const full = safeUrl(image.imageUrl);
  const credit = image.creator ?? image.rightsHolder;
  const img = (
    <img src={thumbnail} alt={`Photo of ${name}${credit ? ` by ${credit}` : ""}`} loading="lazy" className="max-h-32 w-full rounded object-cover" />
  );
  return (
    <figure className="mt-2" data-testid="occurrence-image">
      {full ? (
        <a href={full} target="_blank" rel="noopener noreferrer">
          {img}
        </a>
      ) : (
        img
      )}
      <figcaption className="mt-1 text-xs text-slate-600">
        {credit && <>© {credit}</>}
        {image.rightsHolder && image.rightsHolder !== credit && <> ({image.rightsHolder})</>}
        {credit && " · "}
        <span data-testid="image-licence">Licence: {image.license}</span>
      </figcaption>
    </figure>
  );
}

export function OccurrenceSummary({ record }: { record: OccurrenceDetail }) {
  const name = record.species.commonName ?? record.species.scientificName;
  return (
    <article aria-label={`Record of ${name}`} className="text-sm" data-testid="occurrence-details">
      <h3 className="pr-6 text-base font-semibold leading-tight">{name}</h3>
      {record.species.commonName && <p className="italic text-slate-600">{record.species.scientificName}</p>}
      {/* The source, the photo and its credit first: attribution must be seen, not scrolled to. */}
      <a
        href={safeUrl(record.sourceUrl) ?? undefined}
        target="_blank"
        rel="noopener noreferrer"
        className="mt-1 inline-block font-medium text-sky-800 underline underline-offset-2"
      >
        View the record at the ALA<span className="sr-only"> (opens in a new tab)</span>
      </a>
      {record.images.map((image, i) => (
        <Photo key={i} image={image} name={name} />
      ))}
      <dl className="mt-2 text-[13px]">
        <Row term="Date">{record.eventDate ? formatDate(record.eventDate) : record.year ? String(record.year) : "Not recorded"}</Row>
        <Row term="Basis of record">{formatBasisOfRecord(record.basisOfRecord)}</Row>
        <Row term="Uncertainty">
          {record.coordinateUncertaintyInMeters !== null ? formatMetres(record.coordinateUncertaintyInMeters) : "Not given"}
          {record.sensitive && <span className="block text-xs text-slate-500">Position generalised: sensitive species</span>}
        </Row>
        <Row term="Dataset">{record.dataset?.name ?? record.dataset?.uid ?? "Unknown"}</Row>
        <Row term="Provider">{record.dataset?.providerName ?? "Unknown"}</Row>
        <Row term="Data licence">
          <span data-testid="dataset-licence">{record.dataset?.license ?? "Not given"}</span>
        </Row>
        <Row term="Category">
          <span className="inline-flex items-center gap-1.5">
            <CategorySwatch category={record.classification} contentious={record.contentious} />
            {categoryLabel(record.classification)}
            {record.contentious && <span className="font-medium">(contentious)</span>}
          </span>
        </Row>
        <Row term="Set by">
          {record.vetting ? (
            <>
              {record.vetting.author.name}’s vetting, {formatDateTime(record.vetting.updatedAt)}
              {record.vetting.comment && <q className="block text-xs italic text-slate-600">{record.vetting.comment}</q>}
            </>
          ) : (
            "The record’s data-quality assertions (no expert vetting covers it)"
          )}
        </Row>
        {record.vetting?.rangeQualifier && (
          <Row term="Range">
            <span data-testid="range-qualifier">{record.vetting.rangeQualifier}</span>
          </Row>
        )}
        {record.duplicateStatus === "D" && <Row term="Duplicate">Yes: another record of the same sighting represents it</Row>}
      </dl>
    </article>
  );
}

/**
 * A bounded scrolling area that says, while there is more below, that there is (and scrolls to
 * it). At most half the window less the header, so a popup opened at the map's middle fits.
 */
function Scrolling({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const check = () => setMore(el.scrollHeight - el.scrollTop - el.clientHeight > 2);
    check();
    el.addEventListener("scroll", check, { passive: true });
    // The content grows when the record (and its photo) arrive.
    const resized = new ResizeObserver(check);
    resized.observe(el);
    for (const child of el.children) resized.observe(child);
    return () => {
      el.removeEventListener("scroll", check);
      resized.disconnect();
    };
  }, []);
  return (
    <div ref={box} className="-mr-2 max-h-[min(32rem,calc(50dvh-4rem))] overflow-y-auto pr-2" data-testid="popup-scroll">
      <div>{children}</div>
      {more && (
        <button
          type="button"
          onClick={() => box.current?.scrollBy({ top: box.current.clientHeight * 0.8, behavior: "smooth" })}
          // Over the content (no height of its own), so its going away at the end moves nothing.
          className="sticky bottom-0 -mt-8 flex h-8 w-full items-end justify-center bg-gradient-to-t from-white via-white/90 to-white/0 pb-0.5 text-xs font-medium text-sky-800"
          data-testid="popup-more"
        >
          More below ↓
        </button>
      )}
    </div>
  );
}

/** A record's popup content, loaded on demand. */
export function OccurrenceDetails({ id }: { id: number }) {
  const { data, error, isPending } = useOccurrence(id);
  if (isPending) return <p className="text-sm text-slate-600" role="status">Loading the record…</p>;
  if (error) return <p className="text-sm text-red-700" role="alert">The record could not be loaded: {error.message}</p>;
  return (
    <Scrolling>
      <OccurrenceSummary record={data} />
    </Scrolling>
  );
}
