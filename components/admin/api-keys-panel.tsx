"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { ADMIN_QUERY, useApiKeys, useUsers, type ApiKeyView, type NewApiKeyView } from "./api";
import { button, ConfirmInline, DataTable, ErrorNote, input, primary, QueryState, Section, td } from "./ui";
import { useAction } from "@/components/use-action";

/** Keys for tools: make one for any user (shown once), see them all, revoke one. */
export function ApiKeysPanel() {
  const keys = useApiKeys();
  const [created, setCreated] = useState<NewApiKeyView | null>(null);
  const [announcement, setAnnouncement] = useState("");
  return (
    <Section id="api-keys" title="API keys">
      <div className="space-y-4">
        <NewKeyForm
          onCreated={(key) => {
            setCreated(key);
            setAnnouncement(`API key created for ${key.userEmail}. Copy it now: it is shown only once.`);
          }}
        />
        {created && <CreatedKey created={created} onDone={() => setCreated(null)} onCopied={() => setAnnouncement("API key copied.")} />}
        <QueryState what="the API keys" isPending={keys.isPending} error={keys.error} />
        {keys.data && <KeyTable keys={keys.data} onRevoked={(k) => setAnnouncement(`API key ${k.prefix}… of ${k.userEmail} revoked.`)} />}
        <p role="status" className="sr-only">
          {announcement}
        </p>
      </div>
    </Section>
  );
}

function NewKeyForm({ onCreated }: { onCreated: (key: NewApiKeyView) => void }) {
  const users = useUsers();
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState("");
  const [name, setName] = useState("");
  const { busy, error, setError, run } = useAction();
  const id = useId();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!userId) {
      setError("Choose the user the key acts for.");
      return;
    }
    void run(async () => {
      const key = await requestJson<NewApiKeyView>("POST", "/api/admin/keys", { userId, name: name.trim() || undefined });
      setName("");
      onCreated(key);
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.keys });
    });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-2" noValidate>
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-user`} className="font-medium">
            User
          </label>
          <select id={`${id}-user`} className={`${input} max-w-72`} value={userId} onChange={(e) => setUserId(e.target.value)} aria-invalid={error !== null && !userId}>
            <option value="">Choose a user…</option>
            {users.data?.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email} ({u.role}
                {u.disabled ? ", disabled" : ""})
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-name`} className="font-medium">
            Key name
          </label>
          <input id={`${id}-name`} className={`${input} w-56`} value={name} maxLength={100} placeholder="e.g. QGIS plugin" onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className={primary} disabled={busy}>
          Create key
        </button>
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
    </form>
  );
}

/** The new key, this once: it is not stored anywhere it could be shown again. */
function CreatedKey({ created, onDone, onCopied }: { created: NewApiKeyView; onDone: () => void; onCopied: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const keyText = useRef<HTMLElement>(null);
  const [copyError, setCopyError] = useState<string | null>(null);
  useEffect(() => box.current?.focus(), []);

  const copy = async () => {
    setCopyError(null);
    try {
      await navigator.clipboard.writeText(created.key);
      onCopied();
    } catch {
      // Without clipboard access (plain http on another host), select it for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(keyText.current!);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopyError("The browser did not allow copying: the key is selected, press Ctrl+C (⌘C).");
    }
  };

  return (
    <div ref={box} tabIndex={-1} role="region" aria-label="New API key" className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm focus-visible:outline-2 focus-visible:outline-emerald-700">
      <p className="font-medium text-emerald-950">
        New key “{created.name}” for {created.userEmail}. Copy it now: Edgar keeps only its hash and cannot show it again.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code ref={keyText} data-testid="new-api-key" className="break-all rounded bg-white px-2 py-1 font-mono text-slate-900">
          {created.key}
        </code>
        <button type="button" className={button} onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className={button} onClick={onDone}>
          Done
        </button>
      </div>
      {copyError && <p className="text-xs text-amber-900">{copyError}</p>}
    </div>
  );
}

function KeyTable({ keys, onRevoked }: { keys: ApiKeyView[]; onRevoked: (key: ApiKeyView) => void }) {
  if (keys.length === 0) return <p className="text-sm text-slate-600">There are no API keys yet.</p>;
  return (
    <DataTable
      caption="API keys, newest first, revoked ones included"
      columns={["Key", "Name", "User", "Created", "Last used", "Status", { label: "Actions", hidden: true }]}
    >
      {keys.map((k) => (
        <KeyRow key={k.id} apiKey={k} onRevoked={onRevoked} />
      ))}
    </DataTable>
  );
}

function KeyRow({ apiKey: k, onRevoked }: { apiKey: ApiKeyView; onRevoked: (key: ApiKeyView) => void }) {
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const { busy, error, run } = useAction();
  const revokeButton = useRef<HTMLButtonElement>(null);

  const revoke = async () => {
    await run(async () => {
      await requestJson("DELETE", `/api/admin/keys/${k.id}`);
      onRevoked(k);
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.keys });
    });
    setConfirm(false);
  };

  return (
    <tr className={`align-top ${k.revokedAt ? "text-slate-500" : ""}`}>
      <th scope="row" className={`${td} font-mono font-normal whitespace-nowrap`}>{k.prefix}…</th>
      <td className={`${td} break-words`}>{k.name}</td>
      <td className={`${td} whitespace-nowrap`}>{k.userEmail}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(k.createdAt)}</td>
      <td className={`${td} whitespace-nowrap`}>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</td>
      <td className={`${td} whitespace-nowrap`}>{k.revokedAt ? `Revoked ${formatDateTime(k.revokedAt)}` : "Live"}</td>
      <td className={td}>
        {!k.revokedAt &&
          (confirm ? (
            <ConfirmInline
              prompt={`Revoke ${k.prefix}…? Tools using it stop working at once.`}
              confirmLabel="Revoke"
              busy={busy}
              onConfirm={() => void revoke()}
              onCancel={() => {
                setConfirm(false);
                revokeButton.current?.focus();
              }}
            />
          ) : (
            <button ref={revokeButton} type="button" className={button} aria-label={`Revoke key ${k.prefix}… (${k.name}) of ${k.userEmail}`} onClick={() => setConfirm(true)}>
              Revoke
            </button>
          ))}
        {error && (
          <p role="alert" className="mt-1 text-xs text-red-800">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
