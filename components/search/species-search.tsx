"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { SpeciesMatch } from "@/lib/species/search";
import { useSpeciesSearch } from "@/components/species/api";
import { useDebounced } from "./use-debounced";

interface Props {
  onSelect: (species: SpeciesMatch) => void;
}

/**
 * Species autocomplete: the ARIA 1.2 combobox pattern (a text input owning a listbox, the active
 * option announced through aria-activedescendant). Arrow keys move, Enter picks the highlighted
 * option or else the first (once the list for what was typed has arrived), Escape closes.
 */
export function SpeciesSearch({ onSelect }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const q = useDebounced(text.trim(), 200);
  const search = useSpeciesSearch(q);
  const options = open && q !== "" ? (search.data ?? []) : [];
  const expanded = open && q !== "";
  // The list on screen is not yet the one for what was typed (debounce or request under way).
  const stale = search.isFetching || q !== text.trim();
  const waiting = expanded && stale;

  // Enter pressed before the list for the typed text arrived: pick its first option when it does.
  const [enterPending, setEnterPending] = useState(false);

  const pick = (species: SpeciesMatch) => {
    onSelect(species);
    setText("");
    setOpen(false);
    setActive(-1);
    setEnterPending(false);
    input.current?.blur();
  };

  useEffect(() => {
    if (!enterPending || stale) return;
    if (options[0]) pick(options[0]);
    else setEnterPending(false);
  });

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setOpen(true);
      if (options.length === 0) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + options.length + (a < 0 && step < 0 ? 1 : 0)) % options.length);
    } else if (e.key === "Enter") {
      if (text.trim() === "") return;
      e.preventDefault();
      // A highlighted option is what the user sees and chose; otherwise the first of the list for
      // what was typed, which may still be on its way (typed fast, Enter at once).
      if (options[active]) pick(options[active]);
      else if (stale) setEnterPending(true);
      else if (options[0]) pick(options[0]);
    } else if (e.key === "Escape") {
      if (open) setOpen(false);
      else setText("");
      setActive(-1);
    }
  };

  return (
    <div className="relative w-full">
      <label htmlFor={`${id}-input`} className="sr-only">
        Search species by scientific or common name
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder="Search species, e.g. fairywren or Malurus"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
          setEnterPending(false);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none placeholder:text-slate-400 focus:border-sky-600 focus:ring-2 focus:ring-sky-600/30"
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching species"
        hidden={!expanded}
        className="absolute left-0 right-0 top-full z-30 mt-1 max-h-80 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
      >
        {options.map((s, i) => (
          <li
            key={s.id}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: it comes before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(s);
            }}
            onMouseMove={() => setActive(i)}
            className={`flex cursor-pointer items-baseline justify-between gap-3 px-3 py-2 text-sm ${i === active ? "bg-sky-100" : ""}`}
          >
            <span className="min-w-0">
              <span className="block truncate font-medium">{s.commonName ?? s.scientificName}</span>
              {s.commonName && <span className="block truncate text-xs italic text-slate-600">{s.scientificName}</span>}
            </span>
            <span className="shrink-0 text-xs tabular-nums text-slate-500">{s.occurrenceCount.toLocaleString("en-AU")} records</span>
          </li>
        ))}
        {expanded && !waiting && options.length === 0 && !search.isError && (
          <li role="presentation" className="px-3 py-2 text-sm text-slate-600">
            No species match “{q}”.
          </li>
        )}
        {expanded && search.isError && (
          <li role="presentation" className="px-3 py-2 text-sm text-red-700">
            Search failed: {search.error.message}
          </li>
        )}
      </ul>
      <p className="sr-only" role="status" aria-live="polite">
        {expanded && !waiting ? `${options.length} species found` : ""}
      </p>
    </div>
  );
}
