import { notFound } from "next/navigation";
import { SpeciesExplorer } from "@/components/explorer/species-explorer";
import { viewFromSearchParams, type SearchParams } from "@/components/explorer/page-props";
import { getSpecies } from "@/lib/species/detail";

export const dynamic = "force-dynamic";

/** /species/{id}: the map page opened on one species (a shareable deep link). */
export default async function SpeciesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params;
  // An unknown species is a 404 like a malformed id, not the map with a message and a 200.
  if (!/^\d{1,9}$/.test(id) || Number(id) < 1 || !(await getSpecies(Number(id)))) notFound();
  return (
    <SpeciesExplorer
      initialSpeciesId={Number(id)}
      initialView={await viewFromSearchParams(searchParams)}
      styleUrl={process.env.BASEMAP_STYLE_URL || undefined}
    />
  );
}
