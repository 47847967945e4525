"use client";

import type { Map as MapLibreMap } from "maplibre-gl";
import { useEffect, useId, useMemo, useState } from "react";
import { RAMP } from "@/lib/suitability/ramp";
import { futureScenarios, modelTileUrl, timeline, useModel } from "./api";
import { FADE_MS, hideModel, showModel } from "./model-layers";

/** Time a step stays on screen while playing, after its fade. */
const STEP_MS = 1_600;

interface Props {
  map: MapLibreMap;
  speciesId: number;
  /** The layer the model is drawn under (the occurrences). */
  beneath: string;
}

/**
 * The "Suitability" toggle over the map: a scenario choice and a year slider (current climate,
 * then the scenario's years) with a play button that fades step into step, and the legend.
 */
export function ModelControl({ map, speciesId, beneath }: Props) {
  const model = useModel(speciesId);
  const [shown, setShown] = useState(false);
  const [scenario, setScenario] = useState<string | null>(null);
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  const id = useId();
  const m = model.data;
  const futures = useMemo(() => futureScenarios(m?.scenarios ?? []), [m?.scenarios]);
  const chosen = scenario ?? futures[0] ?? "current";
  const steps = useMemo(() => timeline(m?.scenarios ?? [], chosen), [m?.scenarios, chosen]);
  const at = Math.min(step, Math.max(0, steps.length - 1));
  const ready = m?.status === "ready" || (m?.version ?? 0) > 0;
  const version = m?.version ?? 0;

  useEffect(() => {
    if (!shown || !ready || steps.length === 0) {
      hideModel(map);
      return;
    }
    showModel(map, steps.map((s) => ({ setId: s.id, url: modelTileUrl(speciesId, s.id, version) })), steps[at].id, beneath);
  }, [map, shown, ready, steps, at, speciesId, version, beneath]);
  useEffect(() => () => hideModel(map), [map]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setStep((s) => (s + 1) % steps.length), STEP_MS + FADE_MS);
    return () => clearInterval(timer);
  }, [playing, steps.length]);

  const label = (i: number) => (steps[i]?.year ? String(steps[i].year) : "Now");
  return (
    <div
      className="absolute bottom-8 left-[17.5rem] z-10 max-w-[18rem] rounded-md border border-slate-300 bg-white/95 px-2.5 py-1.5 text-sm shadow-sm"
      data-testid="model-control"
      data-shown={shown}
      data-step={steps[at]?.id ?? ""}
      data-version={version}
    >
      <label className="flex items-center gap-2 font-medium">
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} disabled={!ready} />
        Suitability model
      </label>
      {!ready && <p className="text-xs text-slate-600">{m ? statusText(m.status) : "…"}</p>}
      {shown && ready && (
        <div className="mt-1 space-y-1 text-xs">
          {futures.length > 1 && (
            <label className="flex items-center gap-1">
              Scenario
              <select className="rounded border border-slate-300 px-1" value={chosen} onChange={(e) => setScenario(e.target.value)}>
                {futures.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
          )}
          {futures.length === 1 && <p>Scenario {chosen}</p>}
          {steps.length > 1 && (
            <div className="flex items-center gap-2">
              <button
                type="button"
                className="rounded border border-slate-300 px-1.5 py-0.5 font-medium focus-visible:outline-2 focus-visible:outline-sky-700"
                onClick={() => setPlaying((p) => !p)}
                aria-pressed={playing}
              >
                {playing ? "Pause" : "Play"}
              </button>
              <label htmlFor={`${id}-year`} className="sr-only">
                Year
              </label>
              <input
                id={`${id}-year`}
                type="range"
                min={0}
                max={steps.length - 1}
                step={1}
                value={at}
                onChange={(e) => {
                  setPlaying(false);
                  setStep(Number(e.target.value));
                }}
                aria-valuetext={label(at)}
                className="w-28"
              />
              <output htmlFor={`${id}-year`} className="tabular-nums" data-testid="model-year">
                {label(at)}
              </output>
            </div>
          )}
          <div aria-label="Suitability legend">
            <div className="h-2 w-full rounded" style={{ background: `linear-gradient(to right, ${RAMP.map(([r, g, b]) => `rgb(${r},${g},${b})`).join(", ")})` }} />
            <div className="flex justify-between text-slate-600">
              <span>Least suitable</span>
              <span>Most suitable</span>
            </div>
            <p className="text-slate-600">Hidden below the model&apos;s threshold.</p>
          </div>
        </div>
      )}
    </div>
  );
}

export function statusText(status: string): string {
  switch (status) {
    case "queued":
      return "Model queued…";
    case "fitting":
      return "Model being fitted…";
    case "failed":
      return "The model could not be fitted.";
    case "not_enough_records":
      return "Not enough records to model.";
    case "no_layers":
      return "No climate layers registered.";
    default:
      return "";
  }
}
