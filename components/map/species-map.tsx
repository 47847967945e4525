"use client";

import type { MapGeoJSONFeature, Map as MapLibreMap, MapMouseEvent, Popup } from "maplibre-gl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { filterParams, type MapPosition, type ViewFilters } from "@/lib/species/view-state";
import type { DistributionView } from "@/components/distribution/api";
import { DistributionControl } from "@/components/distribution/distribution-control";
import { ModelControl } from "@/components/model/model-control";
import { VettingOverlay } from "@/components/vetting/vetting-overlay";
import { MapView } from "./map-view";
import { CLUSTER_LAYER, RECORD_LAYER, SOURCE, hideOccurrences, showOccurrences, tileUrl } from "./occurrence-layers";
import { OccurrenceDetails } from "./occurrence-details";
import { StackList } from "./stack-list";

interface Props {
  speciesId: number | null;
  /** The species' data version: a new one re-loads the tiles (a sync or a vetting changed them). */
  dataVersion: number | undefined;
  vettingsVersion: string | undefined;
  filters: ViewFilters;
  distribution: DistributionView;
  onDistributionChange: (view: DistributionView) => void;
  styleUrl?: string;
  initialView: MapPosition | null;
  onViewChange: (view: MapPosition) => void;
}

type PopupContent = { kind: "record"; id: number } | { kind: "stack"; at: { lon: number; lat: number; radius: number } };

/** Click tolerance for stacks: about the donut's radius, in degrees at the current zoom. */
const degreesPerPixel = (zoom: number) => 360 / (512 * 2 ** zoom);

export function SpeciesMap({ speciesId, dataVersion, vettingsVersion, filters, distribution, onDistributionChange, styleUrl, initialView, onViewChange }: Props) {
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [occurrences, setOccurrences] = useState<"none" | "loading" | "ready">("none");
  const [popup, setPopup] = useState<{ lngLat: [number, number]; content: PopupContent } | null>(null);
  const popupNode = useMemo(() => (typeof document === "undefined" ? null : document.createElement("div")), []);
  // While a vetting is open, clicks on the map draw: no popups, no zooming into clusters.
  const vetting = useRef(false);
  const filterQuery = filterParams(filters).toString();
  const url = map && speciesId !== null && dataVersion !== undefined ? tileUrl(window.location.origin, speciesId, filterQuery, dataVersion) : null;

  useEffect(() => {
    if (!map) return;
    if (url === null) {
      hideOccurrences(map);
      setOccurrences("none");
      return;
    }
    showOccurrences(map, url);
    setOccurrences("loading");
  }, [map, url]);

  // A different species or filter set makes an open popup stale.
  useEffect(() => setPopup(null), [speciesId, filterQuery]);

  useEffect(() => {
    if (!map) return;
    const onIdle = () => {
      if (map.getSource(SOURCE) && map.isSourceLoaded(SOURCE)) setOccurrences("ready");
    };
    const onMoveEnd = () => {
      const c = map.getCenter();
      onViewChange({ zoom: map.getZoom(), lat: c.lat, lon: c.lng });
    };
    const onClick = (e: MapMouseEvent) => {
      if (vetting.current) return;
      const layers = [CLUSTER_LAYER, RECORD_LAYER].filter((l) => map.getLayer(l));
      const [feature] = layers.length ? map.queryRenderedFeatures(e.point, { layers }) : [];
      if (feature) open(feature);
      else setPopup(null);
    };
    const open = (feature: MapGeoJSONFeature) => {
      const [lon, lat] = (feature.geometry as GeoJSON.Point).coordinates;
      const p = feature.properties;
      if (!p.cluster) {
        setPopup({ lngLat: [lon, lat], content: { kind: "record", id: Number(p.id) } });
      } else if (typeof p.expansionZoom === "number") {
        setPopup(null);
        map.easeTo({ center: [lon, lat], zoom: Math.max(p.expansionZoom, map.getZoom() + 0.5) });
      } else {
        // A stack: records at one position, which no zoom splits.
        setPopup({ lngLat: [lon, lat], content: { kind: "stack", at: { lon, lat, radius: Math.min(1, 24 * degreesPerPixel(map.getZoom())) } } });
      }
    };
    const pointer = () => (map.getCanvas().style.cursor = "pointer");
    const plain = () => (map.getCanvas().style.cursor = "");
    map.on("idle", onIdle);
    map.on("moveend", onMoveEnd);
    map.on("click", onClick);
    const hover = [CLUSTER_LAYER, RECORD_LAYER].flatMap((layer) => [map.on("mouseenter", layer, pointer), map.on("mouseleave", layer, plain)]);
    return () => {
      map.off("idle", onIdle);
      map.off("moveend", onMoveEnd);
      map.off("click", onClick);
      for (const subscription of hover) subscription.unsubscribe();
    };
  }, [map, onViewChange]);

  useEffect(() => {
    if (!map || !popup || !popupNode) return;
    let instance: Popup | undefined;
    let closedByUs = false;
    import("maplibre-gl").then(({ Popup }) => {
      if (closedByUs) return;
      instance = new Popup({ maxWidth: "340px", closeOnClick: false, className: "edgar-popup" })
        .setLngLat(popup.lngLat)
        .setDOMContent(popupNode)
        .addTo(map);
      instance.on("close", () => {
        if (!closedByUs) setPopup(null);
      });
    });
    // The content grows once the record has loaded: place the popup again, so it flips below
    // the point when it no longer fits above it.
    const resized = new ResizeObserver(() => instance?.setLngLat(instance.getLngLat()));
    resized.observe(popupNode);
    return () => {
      closedByUs = true;
      resized.disconnect();
      instance?.remove();
    };
  }, [map, popup, popupNode]);

  const onMap = useCallback((m: MapLibreMap) => setMap(m), []);
  const onVettingActive = useCallback((active: boolean) => {
    vetting.current = active;
    if (active) setPopup(null);
  }, []);

  return (
    <div className="absolute inset-0" data-testid="species-map" data-occurrences={occurrences} data-tiles-url={url ?? ""}>
      <MapView styleUrl={styleUrl} initialView={initialView} onMap={onMap} />
      {map && speciesId !== null && (
        <DistributionControl
          key={`distribution-${speciesId}`}
          map={map}
          speciesId={speciesId}
          sourceVersion={dataVersion === undefined ? undefined : `${dataVersion}/${vettingsVersion}`}
          view={distribution}
          onViewChange={onDistributionChange}
          beneath={RECORD_LAYER}
        />
      )}
      {map && speciesId !== null && <ModelControl key={`model-${speciesId}`} map={map} speciesId={speciesId} beneath={RECORD_LAYER} />}
      {map && speciesId !== null && <VettingOverlay key={speciesId} map={map} speciesId={speciesId} vettingsVersion={vettingsVersion} beneath={RECORD_LAYER} onActiveChange={onVettingActive} />}
      {popup &&
        popupNode &&
        speciesId !== null &&
        createPortal(
          popup.content.kind === "record" ? (
            <OccurrenceDetails id={popup.content.id} />
          ) : (
            <StackList speciesId={speciesId} filters={filters} at={popup.content.at} />
          ),
          popupNode,
        )}
    </div>
  );
}
