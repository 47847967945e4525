/**
 * Which vetting the map is editing: `?vetting={id}` in the URL (the link from /vettings), or a
 * request from the species panel's list of vettings, which lives outside the map's component tree.
 */
const EVENT = "edgar:edit-vetting";
const PARAM = "vetting";

export function vettingInUrl(): number | null {
  const value = new URLSearchParams(window.location.search).get(PARAM);
  return value && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/** Keeps the URL in step (replacing the history entry), so a reload reopens the same edit. */
export function setVettingInUrl(id: number | null): void {
  const params = new URLSearchParams(window.location.search);
  if (id === null) params.delete(PARAM);
  else params.set(PARAM, String(id));
  const query = params.toString();
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
}

export function requestVettingEdit(id: number): void {
  window.dispatchEvent(new CustomEvent<number>(EVENT, { detail: id }));
}

export function onVettingEditRequest(listener: (id: number) => void): () => void {
  const handle = (e: Event) => listener((e as CustomEvent<number>).detail);
  window.addEventListener(EVENT, handle);
  return () => window.removeEventListener(EVENT, handle);
}
