"use client";

import { useState } from "react";
import { formatCount, formatDateTime } from "@/components/species/format";
import { useCountCheck, type CountCheckView } from "./api";
import { formatDifference } from "./format";
import { StatusBadge } from "./sync-history";
import { button, DataTable, Num, QueryState, Section, td } from "./ui";

type Row = CountCheckView["species"][number];

const STATUS_TEXT: Record<Row["status"], string> = {
  mismatched: "Differs",
  unchecked: "Not checked",
  matching: "Matches",
};

/** The count check of one run (the latest checked one unless the history picked another). */
export function CountCheckPanel({ runId, onShowLatest }: { runId: number | null; onShowLatest: () => void }) {
  const check = useCountCheck(runId ?? "latest");
  const [showMatching, setShowMatching] = useState(false);
  const data = check.data;
  return (
    <Section
      id="count-check"
      title="Count check"
      actions={
        runId !== null && (
          <button type="button" className={button} onClick={onShowLatest}>
            Show the latest run
          </button>
        )
      }
    >
      <QueryState what="the count check" isPending={check.isPending} error={check.error} />
      {data && !data.run && <p className="text-sm text-slate-600">No sync has compared counts yet.</p>}
      {data?.run && (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Run #{data.run.id} <StatusBadge status={data.run.status} />
            {data.run.finishedAt ? ` finished ${formatDateTime(data.run.finishedAt)}` : ""}. Per species, the ALA&apos;s count of relevant
            records against Edgar&apos;s: <strong>{formatCount(data.summary.mismatched)}</strong> differ,{" "}
            {formatCount(data.summary.unchecked)} not checked, {formatCount(data.summary.matching)} match.
          </p>
          <CountTable rows={data.species.filter((s) => showMatching || s.status !== "matching")} />
          {data.summary.matching > 0 && (
            <button type="button" className={button} aria-expanded={showMatching} onClick={() => setShowMatching((v) => !v)}>
              {showMatching ? "Hide the matching species" : `Show the ${formatCount(data.summary.matching)} matching species`}
            </button>
          )}
        </div>
      )}
    </Section>
  );
}

function CountTable({ rows }: { rows: Row[] }) {
  if (rows.length === 0) return <p className="text-sm text-emerald-800">Every species matches.</p>;
  return (
    <DataTable
      caption="Remote and local record counts per species, species that differ first"
      className="max-h-[32rem] overflow-y-auto"
      columns={["Species", { label: "ALA (remote)", numeric: true }, { label: "Edgar (local)", numeric: true }, { label: "Difference", numeric: true }, "Status"]}
    >
      {rows.map((s) => (
        <tr key={s.guid} className={s.status === "mismatched" ? "bg-amber-50" : undefined}>
          <th scope="row" className={`${td} font-normal`}>
            {s.scientificName ? <span className="italic">{s.scientificName}</span> : <span className="break-all text-slate-600">{s.guid}</span>}
            {s.commonName && <span className="text-slate-600"> — {s.commonName}</span>}
          </th>
          <td className={`${td} text-right`}><Num>{s.remoteCount === null ? "—" : formatCount(s.remoteCount)}</Num></td>
          <td className={`${td} text-right`}><Num>{s.localCount === null ? "—" : formatCount(s.localCount)}</Num></td>
          <td className={`${td} text-right`}><Num>{s.difference === null ? "—" : formatDifference(s.difference)}</Num></td>
          <td className={td}>{STATUS_TEXT[s.status]}</td>
        </tr>
      ))}
    </DataTable>
  );
}
