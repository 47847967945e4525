"use client";

import { useState } from "react";
import { ApiKeysPanel } from "./api-keys-panel";
import { RangeImportsPanel } from "./range-imports-panel";
import { VettingPushPanel } from "./vetting-push-panel";
import { CountCheckPanel } from "./count-check";
import { InvitationsPanel } from "./invitations-panel";
import { LayerSetsPanel } from "./layer-sets-panel";
import { SchedulePanel } from "./schedule-panel";
import { SourcesPanel } from "./sources-panel";
import { SyncPanel } from "./sync-panel";
import { UsersPanel } from "./users-panel";

const SECTIONS = [
  ["sync", "Sync"],
  ["count-check", "Count check"],
  ["schedule", "Schedule"],
  ["sources", "Sources"],
  ["users", "Users"],
  ["invitations", "Invitations"],
  ["api-keys", "API keys"],
  ["range-imports", "Range imports"],
  ["vetting-push", "Vettings to the ALA"],
  ["layer-sets", "Climate layers"],
] as const;

/** /admin: syncs (live progress, history, count check, schedule), other sources, users, API keys, range imports and the vetting push. */
export function AdminConsole({ meId }: { meId: string }) {
  // null: the latest run that checked counts; a run id once the history picks one.
  const [countRun, setCountRun] = useState<number | null>(null);
  const showCountCheck = (runId: number | null) => {
    setCountRun(runId);
    document.getElementById("count-check")?.scrollIntoView({ block: "start" });
    document.getElementById("count-check-title")?.focus();
  };
  return (
    <div className="space-y-6">
      <nav aria-label="Admin sections">
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {SECTIONS.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`} className="font-medium text-sky-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-700">
                {title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <SyncPanel onShowCountCheck={showCountCheck} />
      <CountCheckPanel runId={countRun} onShowLatest={() => showCountCheck(null)} />
      <SchedulePanel />
      <SourcesPanel />
      <UsersPanel meId={meId} />
      <InvitationsPanel />
      <ApiKeysPanel />
      <RangeImportsPanel />
      <VettingPushPanel />
      <LayerSetsPanel />
    </div>
  );
}
