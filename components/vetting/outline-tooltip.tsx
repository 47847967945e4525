"use client";

import type { Map as MapLibreMap, MapLayerMouseEvent } from "maplibre-gl";
import { useEffect, useState } from "react";
import { CATEGORY_LABELS } from "@/lib/domain/colours";
import { OUTLINE_FILL_LAYER, type OutlineProperties } from "./vetting-outlines";

interface Hover {
  x: number;
  y: number;
  items: OutlineProperties[];
}

export const formatDate = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(new Date(iso));

/** Who vetted the area under the pointer, and when: plain text beside the pointer (several when areas overlap). */
export function OutlineTooltip({ map, enabled }: { map: MapLibreMap; enabled: boolean }) {
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    if (!enabled) {
      setHover(null);
      return;
    }
    const move = (e: MapLayerMouseEvent) => {
      const seen = new Set<number>();
      const items = (e.features ?? [])
        .map((f) => f.properties as OutlineProperties)
        .filter((p) => !seen.has(p.id) && seen.add(p.id));
      setHover(items.length ? { x: e.point.x, y: e.point.y, items } : null);
    };
    const leave = () => setHover(null);
    const subscriptions = [map.on("mousemove", OUTLINE_FILL_LAYER, move), map.on("mouseleave", OUTLINE_FILL_LAYER, leave)];
    return () => {
      for (const s of subscriptions) s.unsubscribe();
    };
  }, [map, enabled]);

  if (!hover) return null;
  return (
    <div
      role="tooltip"
      data-testid="vetting-tooltip"
      className="pointer-events-none absolute z-10 max-w-xs rounded-md bg-slate-900/90 px-2 py-1 text-xs text-white shadow"
      style={{ left: hover.x + 14, top: hover.y + 14 }}
    >
      {hover.items.map((v) => (
        <p key={v.id}>
          {CATEGORY_LABELS[v.classification]} — {v.author}
          {v.mine && " (you)"}, {formatDate(v.updatedAt)}
        </p>
      ))}
    </div>
  );
}
