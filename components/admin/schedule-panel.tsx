"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { ADMIN_QUERY, useSchedule, type ScheduleView } from "./api";
import { button, input, primary, QueryState, Section } from "./ui";
import { useAction } from "@/components/use-action";

/** When the scheduled incremental sync runs next, and changing its cron expression. */
export function SchedulePanel() {
  const schedule = useSchedule();
  const [announcement, setAnnouncement] = useState("");
  return (
    <Section id="schedule" title="Schedule">
      <QueryState what="the schedule" isPending={schedule.isPending} error={schedule.error} />
      {/* Keyed by the stored expression so the field starts from whatever is in force. */}
      {schedule.data && <ScheduleForm key={`${schedule.data.source}:${schedule.data.cron}`} schedule={schedule.data} onSaved={setAnnouncement} />}
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </Section>
  );
}

function ScheduleForm({ schedule, onSaved }: { schedule: ScheduleView; onSaved: (announcement: string) => void }) {
  const queryClient = useQueryClient();
  const [cron, setCron] = useState(schedule.cron);
  const { busy: saving, error, run } = useAction();
  const id = useId();

  const save = (value: string | null) =>
    run(async () => {
      const saved = await requestJson<ScheduleView>("PUT", "/api/admin/schedule", { cron: value });
      queryClient.setQueryData(ADMIN_QUERY.schedule, saved);
      onSaved(saved.cron ? `Schedule saved. Next sync ${saved.nextRunAt ? formatDateTime(saved.nextRunAt) : "never"}.` : "Scheduled syncs are off.");
    });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save(cron);
  };

  return (
    <div className="space-y-3 text-sm">
      <p>
        {schedule.cron ? (
          <>
            An incremental sync runs on <code className="rounded bg-slate-100 px-1">{schedule.cron}</code> ({schedule.timeZone}),{" "}
            {schedule.source === "env" ? "the default from SYNC_CRON" : "set by an admin"}.{" "}
            <span data-testid="next-sync">
              Next: {schedule.nextRunAt ? <time dateTime={schedule.nextRunAt}>{formatDateTime(schedule.nextRunAt)}</time> : "never (the expression never fires)"}
            </span>
            .
          </>
        ) : (
          <>Scheduled syncs are off{schedule.source === "env" ? " (SYNC_CRON is empty)" : ""}.</>
        )}
      </p>
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" noValidate>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-cron`} className="font-medium">
            Cron expression
          </label>
          <input
            id={`${id}-cron`}
            className={`${input} w-56 font-mono`}
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <button type="submit" className={primary} disabled={saving}>
          Save schedule
        </button>
        {schedule.source === "admin" && (
          <button type="button" className={button} disabled={saving} onClick={() => void save(null)}>
            Use the default ({schedule.defaultCron || "off"})
          </button>
        )}
      </form>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        Five fields: minute, hour, day of month, month, day of week ({schedule.timeZone}); for example <code>0 3 * * *</code> is 03:00 every
        day. Leave it empty to turn scheduled syncs off.
      </p>
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
