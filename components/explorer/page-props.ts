import { parseViewState, type ViewState } from "@/lib/species/view-state";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The page's view state from Next's searchParams (first value of repeated parameters). */
export async function viewFromSearchParams(searchParams: SearchParams): Promise<ViewState> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) params.set(key, first);
  }
  return parseViewState(params);
}
