"use client";

import type { Map as MapLibreMap } from "maplibre-gl";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { AUSTRALIA_BOUNDS, offlineStyle } from "@/lib/basemap/style";
import type { MapPosition } from "@/lib/species/view-state";

declare global {
  interface Window {
    /** The page's map, for end-to-end tests and the browser console. */
    edgarMap?: MapLibreMap;
  }
}

interface Props {
  /** An online style for deployments that have one (BASEMAP_STYLE_URL); else the bundled offline basemap. */
  styleUrl?: string;
  /** Where the map opens; mainland Australia when not given. */
  initialView?: MapPosition | null;
  /** Called once the map's style has loaded. */
  onMap?: (map: MapLibreMap) => void;
  children?: ReactNode;
}

export function MapView({ styleUrl, initialView, onMap, children }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "idle" | "busy" | "error">("loading");
  // Read once at creation: later changes of these props must not rebuild the map.
  const initial = useRef({ initialView, onMap });

  useEffect(() => {
    let map: MapLibreMap | undefined;
    let cancelled = false;
    // maplibre-gl touches window at import time, so it is loaded in the browser only.
    import("maplibre-gl").then((maplibregl) => {
      if (cancelled || !container.current) return;
      maplibregl.setWorkerUrl("/vendor/maplibre-gl-worker.mjs");
      const view = initial.current.initialView;
      const m = new maplibregl.Map({
        container: container.current,
        style: styleUrl ?? offlineStyle(window.location.origin),
        ...(view ? { center: [view.lon, view.lat] as [number, number], zoom: view.zoom } : { bounds: AUSTRALIA_BOUNDS }),
        attributionControl: { compact: true },
        dragRotate: false,
        pitchWithRotate: false,
      });
      map = m;
      m.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      m.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");
      m.touchZoomRotate.disableRotation();
      m.on("idle", () => setState("idle"));
      m.on("dataloading", () => setState((s) => (s === "loading" ? s : "busy")));
      m.on("error", (e) => {
        console.error(e.error);
        setState((s) => (s === "loading" ? "error" : s));
      });
      m.once("load", () => initial.current.onMap?.(m));
      window.edgarMap = m;
    });
    return () => {
      cancelled = true;
      map?.remove();
    };
  }, [styleUrl]);

  return (
    <div className="absolute inset-0">
      <div
        ref={container}
        className="h-full w-full"
        data-testid="map"
        data-map-state={state}
        role="region"
        aria-label="Map of bird occurrences"
      />
      {state === "error" && (
        <p role="alert" className="absolute left-1/2 top-4 -translate-x-1/2 rounded bg-red-50 px-3 py-2 text-sm text-red-800 shadow">
          The map could not be loaded. Reload the page to try again.
        </p>
      )}
      {children}
    </div>
  );
}
