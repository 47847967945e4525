"use client";

import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useRef, useState } from "react";
import { requestJson } from "@/components/auth/request";
import { canVet, useCurrentUser, type CurrentUser } from "@/components/auth/use-current-user";
import { useSpecies } from "@/components/species/api";
import { formatCount } from "@/components/species/format";
import type { Area } from "@/lib/geometry/point-in-area";
import { createDrawController, hasHoles, type DrawController, type DrawState } from "./draw-controller";
import { onVettingEditRequest, setVettingInUrl, vettingInUrl } from "./edit-request";
import { OutlineTooltip } from "./outline-tooltip";
import { useVetting, useVettings, useVettingWrite, type Vetting } from "./use-vettings";
import { VettingForm, button, type VettingFormValues } from "./vetting-form";
import { hideOutlines, outlineFeatures, showOutlines } from "./vetting-outlines";

interface Props {
  map: MapLibreMap;
  speciesId: number;
  vettingsVersion: string | undefined;
  /** Layer the outlines go beneath (the occurrences), when it is on the map. */
  beneath: string;
  /** While a vetting is open the map's own clicks (popups, cluster zoom) stand aside for drawing. */
  onActiveChange: (active: boolean) => void;
}

type Session = { kind: "new" } | { kind: "edit"; vetting: Vetting; areaEditable: boolean };

/** What the overlay says after a vetting closes; `applied` replaces it once the map shows the change. */
interface Notice {
  text: string;
  applied?: string;
}

const saved = (what: "saved" | "deleted"): Notice => ({
  text: `Vetting ${what}. The map recolours as soon as Edgar has re-classified the records.`,
  applied: `Vetting ${what}, and the map shows it.`,
});

const mayEdit = (user: CurrentUser, v: Vetting) => v.author.id === user.id || user.role === "admin";

/**
 * Vetting on the species map: everyone sees the species' vettings as outlines (author and date on
 * hover); experts and admins also get "Vet an area", and `?vetting={id}` opens one for editing.
 */
export function VettingOverlay({ map, speciesId, vettingsVersion, beneath, onActiveChange }: Props) {
  const user = useCurrentUser().data;
  const vettings = useVettings(speciesId, vettingsVersion);
  const write = useVettingWrite(speciesId);
  const resetWrite = write.reset;
  const [session, setSession] = useState<Session | null>(null);
  const [editId, setEditId] = useState<number | null>(() => vettingInUrl());
  const target = useVetting(user && canVet(user) ? editId : null);
  const [draw, setDraw] = useState<DrawState | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** An area (as JSON) that covers none of the species' records: the expert is asked before it is saved. */
  const [emptyArea, setEmptyArea] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  // Shares the page's polled species query: it says when the re-classification is done.
  const species = useSpecies(speciesId).data;
  const controller = useRef<DrawController | null>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  const editingId = session?.kind === "edit" && session.areaEditable ? session.vetting.id : null;
  useEffect(() => {
    showOutlines(map, outlineFeatures(vettings.data ?? [], user?.id, editingId), beneath);
  }, [map, vettings.data, user?.id, editingId, beneath]);
  useEffect(() => () => hideOutlines(map), [map]);

  // The write refetched the species before the notice went up, so from then on "not
  // re-classifying" means this change has been applied (or changed no category).
  useEffect(() => {
    if (notice?.applied && species?.reclassifying === false) setNotice({ text: notice.applied });
  }, [notice, species?.reclassifying]);

  // A changed drawing makes the last answer about the area stale.
  useEffect(() => {
    resetWrite();
    setEmptyArea(null);
  }, [draw?.polygons, resetWrite]);

  useEffect(() => onActiveChange(session !== null), [session, onActiveChange]);
  useEffect(() => () => onActiveChange(false), [onActiveChange]);

  useEffect(
    () =>
      onVettingEditRequest((id) => {
        setEditId(id);
        setVettingInUrl(id);
      }),
    [],
  );

  // A vetting asked for by id: open it once it has loaded, or say why not.
  useEffect(() => {
    if (editId === null || !user || (session?.kind === "edit" && session.vetting.id === editId)) return;
    if (target.isError) {
      setNotice({ text: `Vetting ${editId} cannot be opened: ${target.error.message}` });
      setEditId(null);
      setVettingInUrl(null);
      return;
    }
    const v = target.data;
    if (!v || v.id !== editId) return;
    const problem = v.speciesId !== speciesId ? `Vetting ${v.id} is of another species.` : !mayEdit(user, v) ? `Vetting ${v.id} is ${v.author.name}'s: only its author or an administrator can change it.` : null;
    if (problem) {
      setNotice({ text: problem });
      setEditId(null);
      setVettingInUrl(null);
      return;
    }
    resetWrite();
    setNotice(null);
    setSession({ kind: "edit", vetting: v, areaEditable: !hasHoles(v.area) });
  }, [editId, user, target.data, target.isError, target.error, speciesId, session, resetWrite]);

  // The drawing tools live as long as an open vetting whose area can be drawn.
  useEffect(() => {
    if (!session || (session.kind === "edit" && !session.areaEditable)) return;
    let cancelled = false;
    let created: DrawController | undefined;
    createDrawController(map, setDraw)
      .then((c) => {
        if (cancelled) return c.destroy();
        created = controller.current = c;
        if (session.kind === "edit" && c.load(session.vetting.area)) c.setMode("edit");
      })
      .catch((err: Error) => setNotice({ text: `The drawing tools could not be loaded: ${err.message}` }));
    return () => {
      cancelled = true;
      created?.destroy();
      controller.current = null;
      setDraw(null);
    };
  }, [map, session]);

  const close = useCallback((message: Notice | null) => {
    setSession(null);
    setEmptyArea(null);
    setEditId(null);
    setVettingInUrl(null);
    setNotice(message);
    // Back to where the keyboard started from.
    requestAnimationFrame(() => startButton.current?.focus());
  }, []);

  if (!user || !canVet(user)) return <OutlineTooltip map={map} enabled />;

  const save = (values: VettingFormValues, area: Area | undefined) => {
    if (!session) return;
    const done = () => close(saved("saved"));
    if (session.kind === "new") {
      if (area) write.mutate({ kind: "create", input: { ...values, area } }, { onSuccess: done });
    } else {
      write.mutate({ kind: "update", id: session.vetting.id, input: { ...values, ...(session.areaEditable ? { area } : {}) } }, { onSuccess: done });
    }
  };
  /**
   * Saves, unless the area covers none of the species' records and the expert has not yet said
   * (`anyway`) that this very area is meant. The count is advice: when it cannot be had, saving
   * goes ahead and the save's own answer says what is wrong.
   */
  const submit = (values: VettingFormValues, anyway: boolean) => {
    const area = session && (session.kind === "new" || session.areaEditable) ? (controller.current?.area() ?? undefined) : undefined;
    const key = JSON.stringify(area);
    if (!area || (anyway && emptyArea === key)) return save(values, area);
    setChecking(true);
    requestJson<{ count: number }>("POST", "/api/vettings/coverage", { speciesId, area })
      .then(
        ({ count }) => (count === 0 ? setEmptyArea(key) : save(values, area)),
        () => save(values, area),
      )
      .finally(() => setChecking(false));
  };
  const remove = () => {
    if (session?.kind !== "edit") return;
    write.mutate({ kind: "delete", id: session.vetting.id }, { onSuccess: () => close(saved("deleted")) });
  };
  const of = species ? ` of this species' ${formatCount(species.occurrenceCount)}` : "";
  const emptyWarning = emptyArea ? `This area covers 0${of} records, so the vetting would change no category. Submit it anyway, or change the area.` : null;

  return (
    <>
      <OutlineTooltip map={map} enabled={session === null} />
      <div className="absolute left-3 top-3 z-10 grid justify-items-start gap-2" data-testid="vetting-controls">
        {session ? (
          <VettingForm
            key={session.kind === "edit" ? session.vetting.id : "new"}
            editing={session.kind === "edit" ? { id: session.vetting.id, author: session.vetting.author.name } : null}
            initial={session.kind === "edit" ? { classification: session.vetting.classification, rangeQualifier: session.vetting.rangeQualifier, comment: session.vetting.comment ?? "" } : { classification: null, rangeQualifier: null, comment: "" }}
            areaEditable={session.kind === "new" || session.areaEditable}
            draw={draw}
            busy={write.isPending || checking}
            error={write.error ? `The vetting was not saved: ${write.error.message}` : null}
            warning={emptyWarning}
            onMode={(mode) => controller.current?.setMode(mode)}
            onClear={() => {
              controller.current?.clear();
              resetWrite();
              setEmptyArea(null);
            }}
            onCorners={(polygon) => controller.current?.load(polygon) ?? false}
            onSubmit={submit}
            onCancel={() => close(null)}
            onDelete={remove}
          />
        ) : (
          <button
            ref={startButton}
            type="button"
            className={`${button} shadow-md`}
            onClick={() => {
              resetWrite();
              setNotice(null);
              setSession({ kind: "new" });
            }}
          >
            Vet an area
          </button>
        )}
        {notice && !session && (
          <p role="status" className="max-w-xs rounded-md bg-white px-2 py-1.5 text-sm text-slate-800 shadow" data-testid="vetting-notice">
            {notice.text}
          </p>
        )}
      </div>
    </>
  );
}
