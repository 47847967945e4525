"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { useAction } from "@/components/use-action";
import type { PushOverview } from "@/lib/vetting/push";
import { ADMIN_QUERY, type Wire } from "./api";
import { button, DataTable, Num, QueryState, RowError, Section, td } from "./ui";

type Outstanding = Wire<PushOverview>["outstanding"][number];

const POLL_MS = 15_000;

/** Vettings out to the ALA (docs/vetting.md): on or off, counts by state, and what is still pending or was refused. */
export function VettingPushPanel() {
  const overview = useQuery({
    queryKey: ADMIN_QUERY.vettingPush,
    queryFn: () => requestJson<Wire<PushOverview>>("GET", "/api/admin/vetting-push"),
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
  const data = overview.data;
  return (
    <Section id="vetting-push" title="Vettings to the ALA">
      <QueryState what="the vetting push state" isPending={overview.isPending} error={overview.error} />
      {data && (
        <div className="space-y-3 text-sm">
          <p data-testid="vetting-push-summary">
            {data.configured ? <>New, changed and deleted vettings are sent to {data.url}. </> : <>Sending is off: set ALA_VETTING_URL and ALA_VETTING_API_KEY to turn it on. </>}
            <Num>{data.counts.sent}</Num> sent, <Num>{data.counts.pending}</Num> pending, <Num>{data.counts.refused}</Num> refused.
          </p>
          {data.outstanding.length > 0 && (
            <DataTable caption="Vettings pending or refused, longest waiting first" columns={["Vetting", "Species", "State", "Changed", { label: "Attempts", numeric: true }, "Reason or last error", { label: "Actions", hidden: true }]}>
              {data.outstanding.map((o) => (
                <OutstandingRow key={o.vettingId} item={o} />
              ))}
            </DataTable>
          )}
        </div>
      )}
    </Section>
  );
}

function OutstandingRow({ item: o }: { item: Outstanding }) {
  const queryClient = useQueryClient();
  const { busy, error, run } = useAction();
  const retry = () =>
    run(async () => {
      await requestJson("POST", `/api/admin/vetting-push/${o.vettingId}/retry`);
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.vettingPush });
    });
  return (
    <tr className="align-top">
      <th scope="row" className={`${td} font-medium`}>
        {o.vettingId}
      </th>
      <td className={`${td} italic`}>{o.species ?? "(erased)"}</td>
      <td className={td}>{o.state === "refused" ? "Refused" : `Pending${o.nextAttemptAt ? `, next try ${formatDateTime(o.nextAttemptAt)}` : ""}`}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(o.changedAt)}</td>
      <td className={`${td} text-right`}>
        <Num>{o.attempts}</Num>
      </td>
      <td className={td}>{o.refusedReason ?? o.lastError ?? ""}</td>
      <td className={td}>
        {o.state === "refused" && (
          <button type="button" className={button} disabled={busy} aria-label={`Send vetting ${o.vettingId} again`} onClick={() => void retry()}>
            Send again
          </button>
        )}
        <RowError error={error} />
      </td>
    </tr>
  );
}
