"use client";

import { useRouter } from "next/navigation";
import { SpeciesSearch } from "./species-search";

/** The species search of pages other than the map: picking a species opens its map. */
export function SpeciesSearchLink() {
  const router = useRouter();
  return <SpeciesSearch onSelect={(species) => router.push(`/species/${species.id}`)} />;
}
