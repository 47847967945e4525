import { MapView } from "@/components/map/map-view";

export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <main className="relative h-dvh w-full">
      <h1 className="sr-only">Edgar: Australian bird occurrences</h1>
      <MapView styleUrl={process.env.BASEMAP_STYLE_URL || undefined} />
    </main>
  );
}
