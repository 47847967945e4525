"use client";

import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useRef, useState } from "react";
import { canVet, useCurrentUser, type CurrentUser } from "@/components/auth/use-current-user";
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
  const [notice, setNotice] = useState<string | null>(null);
  const controller = useRef<DrawController | null>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  const editingId = session?.kind === "edit" && session.areaEditable ? session.vetting.id : null;
  useEffect(() => {
    showOutlines(map, outlineFeatures(vettings.data ?? [], user?.id, editingId), beneath);
  }, [map, vettings.data, user?.id, editingId, beneath]);
  useEffect(() => () => hideOutlines(map), [map]);

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
      setNotice(`Vetting ${editId} cannot be opened: ${target.error.message}`);
      setEditId(null);
      setVettingInUrl(null);
      return;
    }
    const v = target.data;
    if (!v || v.id !== editId) return;
    const problem = v.speciesId !== speciesId ? `Vetting ${v.id} is of another species.` : !mayEdit(user, v) ? `Vetting ${v.id} is ${v.author.name}'s: only its author or an administrator can change it.` : null;
    if (problem) {
      setNotice(problem);
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
      .catch((err: Error) => setNotice(`The drawing tools could not be loaded: ${err.message}`));
    return () => {
      cancelled = true;
      created?.destroy();
      controller.current = null;
      setDraw(null);
    };
  }, [map, session]);

  const close = useCallback((message: string | null) => {
    setSession(null);
    setEditId(null);
    setVettingInUrl(null);
    setNotice(message);
    // Back to where the keyboard started from.
    requestAnimationFrame(() => startButton.current?.focus());
  }, []);

  if (!user || !canVet(user)) return <OutlineTooltip map={map} enabled />;

  const submit = (values: VettingFormValues) => {
    if (!session) return;
    const area = controller.current?.area() ?? undefined;
    const done = () => close("Vetting saved. The map recolours as soon as Edgar has re-classified the records.");
    if (session.kind === "new") {
      if (area) write.mutate({ kind: "create", input: { ...values, area } }, { onSuccess: done });
    } else {
      write.mutate({ kind: "update", id: session.vetting.id, input: { ...values, ...(session.areaEditable ? { area } : {}) } }, { onSuccess: done });
    }
  };
  const remove = () => {
    if (session?.kind !== "edit") return;
    write.mutate({ kind: "delete", id: session.vetting.id }, { onSuccess: () => close("Vetting deleted. The map recolours as soon as Edgar has re-classified the records.") });
  };

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
            busy={write.isPending}
            error={write.error ? `The vetting was not saved: ${write.error.message}` : null}
            onMode={(mode) => controller.current?.setMode(mode)}
            onClear={() => controller.current?.clear()}
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
            {notice}
          </p>
        )}
      </div>
    </>
  );
}
