import type { Classification } from "@/lib/domain/codes";
import { CATEGORY_COLOURS, CONTENTIOUS_COLOUR } from "@/lib/domain/colours";

/** The category's colour as a dot (with the contentious ring when asked), for text that names it. */
export function CategorySwatch({ category, contentious = false, size = 12 }: { category: Classification; contentious?: boolean; size?: number }) {
  return (
    <span
      aria-hidden="true"
      data-colour={CATEGORY_COLOURS[category]}
      className="inline-block shrink-0 rounded-full"
      style={{
        width: size,
        height: size,
        background: CATEGORY_COLOURS[category],
        boxShadow: contentious ? `0 0 0 2px ${CONTENTIOUS_COLOUR}` : "0 0 0 1px rgba(15,23,42,0.25)",
      }}
    />
  );
}
