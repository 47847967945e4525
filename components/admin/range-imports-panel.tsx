"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import { requestJson, uploadFile } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { useAction } from "@/components/use-action";
import type { RangeImportReport, RangeImportSummary } from "@/lib/ranges/import";
import { ADMIN_QUERY, type Wire } from "./api";
import { button, ConfirmInline, DataTable, input, Num, primary, QueryState, RowError, Section, td } from "./ui";

type ImportView = Wire<RangeImportSummary>;
type ReportView = Wire<RangeImportReport>;

/** Expert range polygons imported as vettings (docs/range-imports.md): upload, the last report, the imports, removal. */
export function RangeImportsPanel() {
  const imports = useQuery({ queryKey: ADMIN_QUERY.rangeImports, queryFn: () => requestJson<ImportView[]>("GET", "/api/admin/range-imports"), staleTime: 0 });
  const [report, setReport] = useState<ReportView | null>(null);
  const [announcement, setAnnouncement] = useState("");
  return (
    <Section id="range-imports" title="Range imports">
      <UploadForm
        onImported={(r) => {
          setReport(r);
          setAnnouncement(r.id === null ? "Nothing was imported." : `Range import ${r.id}: ${r.vettings} vettings.`);
        }}
      />
      {report && <RangeImportReportView report={report} />}
      <QueryState what="the range imports" isPending={imports.isPending} error={imports.error} />
      {imports.data && imports.data.length > 0 && (
        <DataTable caption="Range imports, newest first" className="mt-4" columns={["Import", "Source", "File", "Imported", { label: "Live vettings", numeric: true }, "Unmatched names", { label: "Actions", hidden: true }]}>
          {imports.data.map((i) => (
            <ImportRow key={i.id} item={i} onRemoved={setAnnouncement} />
          ))}
        </DataTable>
      )}
      {imports.data?.length === 0 && <p className="mt-3 text-sm text-slate-600">No range imports yet.</p>}
      <p className="mt-2 text-xs text-slate-600">
        Files over 10 MB: <code>npm run vettings -- import &lt;file&gt; --source … --name-field … --class-field …</code>.
      </p>
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </Section>
  );
}

function UploadForm({ onImported }: { onImported: (report: ReportView) => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const file = useRef<HTMLInputElement>(null);
  const [fields, setFields] = useState({ source: "", nameField: "", classField: "", qualifierField: "" });
  const { busy, error, setError, run } = useAction();
  const set = (k: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return setError("Choose a .geojson file, or a .zip holding a shapefile's .shp and .dbf.");
    void run(async () => {
      const query = new URLSearchParams({ fileName: chosen.name, ...fields });
      const report = await uploadFile<ReportView>(`/api/admin/range-imports?${query}`, chosen);
      onImported(report);
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.rangeImports });
    });
  };
  const text = (k: keyof typeof fields, label: string, hint?: string) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${id}-${k}`} className="font-medium">
        {label}
      </label>
      <input id={`${id}-${k}`} className={`${input} w-48`} value={fields[k]} onChange={set(k)} placeholder={hint} autoComplete="off" spellCheck={false} />
    </div>
  );
  return (
    <form onSubmit={onSubmit} className="space-y-3 text-sm" noValidate aria-describedby={error ? `${id}-error` : undefined}>
      <p>Each polygon becomes a vetting by the named source account, which nobody can sign in as; the import can be removed as a set.</p>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-file`} className="font-medium">
            File (.geojson, or .zip of a shapefile)
          </label>
          <input id={`${id}-file`} ref={file} type="file" accept=".geojson,.json,.zip" className="text-sm" />
        </div>
        {text("source", "Source", "BirdLife Australia")}
        {text("nameField", "Species name field", "SCI_NAME")}
        {text("classField", "Class field", "RANGE_T")}
        {text("qualifierField", "Qualifier field (optional)")}
        <button type="submit" className={primary} disabled={busy}>
          {busy ? "Importing…" : "Import ranges"}
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </form>
  );
}

export function RangeImportReportView({ report }: { report: ReportView }) {
  return (
    <div className="mt-3 space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="range-import-report">
      <p className="font-medium">
        {report.id === null
          ? `Nothing imported: none of the ${report.features} features could be used.`
          : `Import ${report.id} by ${report.source.name}: ${report.vettings} vettings for ${report.species} species from ${report.features} features${report.simplified ? ` (${report.simplified} simplified)` : ""}.`}
      </p>
      {report.unmatchedNames.length > 0 && (
        <div>
          <p>Names that match no species (not imported):</p>
          <ul className="ml-5 list-disc">
            {report.unmatchedNames.map((u) => (
              <li key={u.name}>
                {u.name} ({u.features} feature{u.features === 1 ? "" : "s"})
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.problems.length > 0 && (
        <div>
          <p>Features that could not be used:</p>
          <ul className="ml-5 list-disc">
            {report.problems.map((p) => (
              <li key={p.feature}>
                Feature {p.feature}
                {p.name ? ` (${p.name})` : ""}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ImportRow({ item, onRemoved }: { item: ImportView; onRemoved: (announcement: string) => void }) {
  const queryClient = useQueryClient();
  const { busy, error, run } = useAction();
  const [confirm, setConfirm] = useState(false);
  const removeButton = useRef<HTMLButtonElement>(null);
  const remove = () =>
    run(async () => {
      const { removed } = await requestJson<{ removed: number }>("DELETE", `/api/admin/range-imports/${item.id}`);
      onRemoved(`Range import ${item.id} removed: ${removed} vettings deleted.`);
      setConfirm(false);
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.rangeImports });
    });
  return (
    <tr className={`align-top ${item.removedAt ? "bg-slate-50 text-slate-500" : ""}`}>
      <th scope="row" className={`${td} font-medium`}>
        {item.id}
      </th>
      <td className={td}>{item.source.name}</td>
      <td className={td}>{item.fileName}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(item.createdAt)}</td>
      <td className={`${td} text-right`}>
        <Num>{item.liveVettings}</Num>
      </td>
      <td className={td}>{item.report.unmatchedNames.map((u) => u.name).join(", ") || "none"}</td>
      <td className={td}>
        {item.removedAt ? (
          `Removed ${formatDateTime(item.removedAt)}`
        ) : confirm ? (
          <ConfirmInline
            prompt={`Delete the ${item.liveVettings} vettings of import ${item.id}?`}
            confirmLabel="Remove"
            busy={busy}
            onConfirm={() => void remove()}
            onCancel={() => {
              setConfirm(false);
              removeButton.current?.focus();
            }}
          />
        ) : (
          <button ref={removeButton} type="button" className={button} aria-label={`Remove range import ${item.id}`} onClick={() => setConfirm(true)}>
            Remove
          </button>
        )}
        <RowError error={error} />
      </td>
    </tr>
  );
}
