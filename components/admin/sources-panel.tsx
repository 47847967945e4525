"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { requestJson, RequestError } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { useAction } from "@/components/use-action";
import type { SourcesView } from "@/lib/sources/admin";
import { useIsLive } from "@/components/live/live-status";
import { ADMIN_QUERY, type Wire } from "./api";
import { GbifAccountFields, gbifCredentials } from "./gbif-account-fields";
import { describeSourceRun } from "./source-run";
import { sourceSettings } from "./source-settings";
import { button, danger, DataTable, ErrorNote, input, primary, QueryState, Section, td } from "./ui";

type View = Wire<SourcesView>;
const KEY = ADMIN_QUERY.sources;
const KIND_NAMES: Record<string, string> = { living_atlas: "Living Atlas", dwca: "Darwin Core Archive", gbif: "GBIF" };

/** /admin's sources: each with its records, schedule and last run; add, sync, upload, remove; unmatched names to map. */
export function SourcesPanel() {
  // Runs starting, moving on and ending arrive as `source` events (components/live/use-live-sync.ts);
  // the slow poll while live keeps a waiting run's "asked for … ago" current.
  const live = useIsLive("admin:sync");
  const sources = useQuery({ queryKey: KEY, queryFn: () => requestJson<View>("GET", "/api/admin/sources"), refetchInterval: live ? 30_000 : 5_000, staleTime: 0 });
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEY });
  const [announcement, setAnnouncement] = useState("");
  const { busy, error, run } = useAction();

  const act = (work: () => Promise<void>, done: string) =>
    run(async () => {
      await work();
      setAnnouncement(done);
      await refresh();
    });
  const upload = (id: number, file: File) =>
    act(async () => {
      const response = await fetch(`/api/admin/sources/${id}/sync`, { method: "POST", headers: { "content-type": "application/zip" }, body: file });
      if (!response.ok) throw new RequestError(response.status, (await response.json().catch(() => null))?.message ?? `The server answered ${response.status}.`);
    }, `${file.name} uploaded; its import is queued.`);

  return (
    <Section id="sources" title="Sources">
      <QueryState what="the sources" isPending={sources.isPending} error={sources.error} />
      {error && <ErrorNote>{error}</ErrorNote>}
      {sources.data && (
        <DataTable
          caption="Record sources"
          columns={["Source", "Kind", { label: "Records", numeric: true }, "Schedule", "Last run", { label: "Actions", hidden: true }]}
        >
          {sources.data.sources.map((s) => (
            <tr key={s.id} className="border-t border-slate-100 align-top">
              <td className={td}>{s.name}</td>
              <td className={td}>{KIND_NAMES[s.kind] ?? s.kind}</td>
              <td className={`${td} text-right tabular-nums`}>{s.records.toLocaleString("en")}</td>
              <td className={td}>{s.id === 1 ? "see Schedule" : s.cron ? <code>{s.cron}</code> : "when asked"}</td>
              <td className={td}>
                {s.lastRun ? (
                  <>
                    <span className="block" data-run-status={s.lastRun.interrupted ? "interrupted" : s.lastRun.status}>
                      {formatDateTime(s.lastRun.startedAt)}: {describeSourceRun(s.lastRun, Date.now())}
                    </span>
                    {s.lastRun.error && <span className="block text-red-800">{s.lastRun.error}</span>}
                  </>
                ) : (
                  "never"
                )}
              </td>
              <td className={td}>
                {s.id !== 1 && (
                  <div className="flex flex-wrap gap-2">
                    {s.kind === "dwca" && (
                      <label className={button}>
                        Upload archive
                        <input
                          type="file"
                          accept=".zip,application/zip"
                          className="sr-only"
                          onChange={(e) => {
                            const file = e.target.files?.[0];
                            if (file) void upload(s.id, file);
                            e.target.value = "";
                          }}
                        />
                      </label>
                    )}
                    <button type="button" className={button} disabled={busy} onClick={() => void act(() => requestJson("POST", `/api/admin/sources/${s.id}/sync`, {}), `${s.name}: import queued.`)}>
                      Sync now
                    </button>
                    <button type="button" className={danger} disabled={busy} onClick={() => void act(() => requestJson("DELETE", `/api/admin/sources/${s.id}`), `${s.name} removed with its records.`)}>
                      Remove
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {sources.data?.problems.map((p) => (
        <div key={p.runId} className="mt-3 text-sm">
          <h3 className="font-semibold">Rows the last archive of {sources.data.sources.find((s) => s.id === p.sourceId)?.name} was refused for</h3>
          <ul className="list-disc pl-5">
            {p.problems.map((x) => (
              <li key={x.line}>
                line {x.line}: {x.message}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {sources.data && sources.data.unmatched.length > 0 && <UnmatchedNames view={sources.data} onMapped={(m) => void act(async () => undefined, m)} />}
      <AddSource onAdded={(m) => void act(async () => undefined, m)} />
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </Section>
  );
}

function UnmatchedNames({ view, onMapped }: { view: View; onMapped: (announcement: string) => void }) {
  const [species, setSpecies] = useState<Record<string, string>>({});
  const { busy, error, run } = useAction();
  return (
    <div className="mt-4 text-sm">
      <h3 className="font-semibold">Names that match no species</h3>
      <p className="text-slate-600">Their records are skipped until the name is mapped to a species (by its id); the next import joins them.</p>
      {error && <ErrorNote>{error}</ErrorNote>}
      <ul className="mt-2 space-y-1">
        {view.unmatched.map((u) => (
          <li key={`${u.sourceId}:${u.nameKey}`} className="flex flex-wrap items-center gap-2">
            <span>
              <i>{u.name}</i> ({u.records} records, {view.sources.find((s) => s.id === u.sourceId)?.name})
            </span>
            <input
              aria-label={`Species id for ${u.name}`}
              className={`${input} w-28`}
              inputMode="numeric"
              value={species[u.nameKey] ?? ""}
              onChange={(e) => setSpecies({ ...species, [u.nameKey]: e.target.value })}
            />
            <button
              type="button"
              className={button}
              disabled={busy || !/^\d+$/.test(species[u.nameKey] ?? "")}
              onClick={() =>
                void run(async () => {
                  await requestJson("POST", "/api/admin/sources/names", { name: u.nameKey, speciesId: Number(species[u.nameKey]) });
                  onMapped(`${u.name} mapped.`);
                })
              }
            >
              Map
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AddSource({ onAdded }: { onAdded: (announcement: string) => void }) {
  const id = useId();
  const [kind, setKind] = useState("dwca");
  const [name, setName] = useState("");
  const [where, setWhere] = useState("");
  const [cron, setCron] = useState("");
  const [email, setEmail] = useState("");
  const [fieldStyle, setFieldStyle] = useState<"current" | "legacy">("current");
  const [gbifAccount, setGbifAccount] = useState({ username: "", password: "" });
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const settings = sourceSettings(kind, { where, email, fieldStyle });
      const credentials = kind === "gbif" ? gbifCredentials(gbifAccount) : undefined;
      await requestJson("POST", "/api/admin/sources", { kind, name, settings, credentials, cron: cron.trim() || null });
      setGbifAccount({ username: "", password: "" });
      setName("");
      setWhere("");
      setCron("");
      setEmail("");
      onAdded(`Source ${name} added.`);
    });
  };
  const whereLabel = kind === "dwca" ? "Archive path or URL" : kind === "living_atlas" ? "Biocache service URL" : "GBIF API URL (optional)";
  return (
    <form onSubmit={submit} className="mt-4 flex flex-wrap items-end gap-2 text-sm" noValidate>
      <h3 className="w-full font-semibold">Add a source</h3>
      <label className="flex flex-col gap-1" htmlFor={`${id}-kind`}>
        Kind
        <select id={`${id}-kind`} className={input} value={kind} onChange={(e) => setKind(e.target.value)}>
          {Object.entries(KIND_NAMES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1" htmlFor={`${id}-name`}>
        Name
        <input id={`${id}-name`} className={input} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1" htmlFor={`${id}-where`}>
        {whereLabel}
        <input id={`${id}-where`} className={`${input} w-72`} value={where} onChange={(e) => setWhere(e.target.value)} />
      </label>
      {kind === "living_atlas" && (
        <>
          <label className="flex flex-col gap-1" htmlFor={`${id}-email`}>
            Download email
            <input id={`${id}-email`} type="email" className={`${input} w-56`} value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label className="flex flex-col gap-1" htmlFor={`${id}-style`}>
            Field style
            <select id={`${id}-style`} className={input} value={fieldStyle} onChange={(e) => setFieldStyle(e.target.value === "legacy" ? "legacy" : "current")}>
              <option value="current">current (pipelines)</option>
              <option value="legacy">legacy (biocache-store)</option>
            </select>
          </label>
        </>
      )}
      {kind === "gbif" && <GbifAccountFields value={gbifAccount} onChange={setGbifAccount} />}
      <label className="flex flex-col gap-1" htmlFor={`${id}-cron`}>
        Schedule (cron, optional)
        <input id={`${id}-cron`} className={`${input} w-40 font-mono`} value={cron} onChange={(e) => setCron(e.target.value)} placeholder="0 4 * * *" />
      </label>
      <button type="submit" className={primary} disabled={busy}>
        Add source
      </button>
      {error && (
        <div className="w-full">
          <ErrorNote>{error}</ErrorNote>
        </div>
      )}
    </form>
  );
}
