"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { requestJson } from "@/components/auth/request";
import { useAction } from "@/components/use-action";
import type { LayerSet } from "@/lib/layers/store";
import type { Wire } from "./api";
import { DataTable, input, primary, QueryState, Section, td } from "./ui";

export type LayerSetView = Wire<LayerSet>;
const LAYER_SETS_QUERY = ["admin", "layer-sets"] as const;

/** Environmental layer sets for the suitability models: the registered ones, and registering one. */
export function LayerSetsPanel() {
  const sets = useQuery({ queryKey: LAYER_SETS_QUERY, queryFn: () => requestJson<LayerSetView[]>("GET", "/api/admin/layer-sets"), staleTime: 0 });
  const [announcement, setAnnouncement] = useState("");
  return (
    <Section id="layer-sets" title="Climate layers">
      <div className="space-y-4 text-sm">
        <QueryState what="the layer sets" isPending={sets.isPending} error={sets.error} />
        {sets.data && sets.data.length === 0 && <p>No layer sets are registered: species get no suitability model until a current set is.</p>}
        {sets.data && sets.data.length > 0 && (
          <DataTable caption="Registered layer sets" columns={["Name", "Scenario", "Year", "Variables", "Grid"]}>
            {sets.data.map((s) => (
              <tr key={s.id}>
                <td className={td}>{s.name}</td>
                <td className={td}>{s.scenario}</td>
                <td className={td}>{s.year ?? "—"}</td>
                <td className={td}>{s.variables.join(", ")}</td>
                <td className={td}>
                  {s.grid.width} × {s.grid.height}, {s.grid.resX}°
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <RegisterForm onRegistered={(s) => setAnnouncement(`Layer set ${s.name} registered.`)} />
        <p role="status" className="sr-only">
          {announcement}
        </p>
      </div>
    </Section>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (set: LayerSetView) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scenario, setScenario] = useState("current");
  const [year, setYear] = useState("");
  const [dir, setDir] = useState("");
  const { busy, error, run } = useAction();
  const id = useId();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { name: name.trim(), scenario: scenario.trim(), year: year.trim() ? Number(year) : null, dir: dir.trim() };
      const set = await requestJson<LayerSetView>("POST", "/api/admin/layer-sets", body);
      setName("");
      setDir("");
      onRegistered(set);
      await queryClient.invalidateQueries({ queryKey: LAYER_SETS_QUERY });
    });
  };
  const field = (label: string, key: string, value: string, set: (v: string) => void, className: string, hint?: string) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${id}-${key}`} className="font-medium">
        {label}
      </label>
      <input id={`${id}-${key}`} className={`${input} ${className}`} value={value} onChange={(e) => set(e.target.value)} placeholder={hint} autoComplete="off" spellCheck={false} />
    </div>
  );
  return (
    <form onSubmit={onSubmit} className="space-y-2" noValidate aria-describedby={`${id}-hint`}>
      <div className="flex flex-wrap items-end gap-2">
        {field("Name", "name", name, setName, "w-40", "SSP2-4.5 2050")}
        {field("Scenario", "scenario", scenario, setScenario, "w-32")}
        {field("Year", "year", year, setYear, "w-20", "2050")}
        {field("Directory on the server", "dir", dir, setDir, "w-72 font-mono", "/data/layers/ssp245-2050")}
        <button type="submit" className={primary} disabled={busy}>
          Register layer set
        </button>
      </div>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        One GeoTIFF per variable, named by it (bio1.tif, bio12.tif…), in EPSG:4326 on one grid; every set must have the variables and grid of
        the others. The current climate has no year.
      </p>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
    </form>
  );
}
