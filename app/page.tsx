import { SpeciesExplorer } from "@/components/explorer/species-explorer";
import { viewFromSearchParams, type SearchParams } from "@/components/explorer/page-props";

export const dynamic = "force-dynamic";

export default async function Home({ searchParams }: { searchParams: SearchParams }) {
  return <SpeciesExplorer initialSpeciesId={null} initialView={await viewFromSearchParams(searchParams)} styleUrl={process.env.BASEMAP_STYLE_URL || undefined} />;
}
