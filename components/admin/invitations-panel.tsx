"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { useAction } from "@/components/use-action";
import { useHydrated } from "@/components/use-hydrated";
import type { InvitationSummary, NewInvitation } from "@/lib/accounts/invitations";
import { ROLES, type Role } from "@/lib/auth/roles";
import { ADMIN_QUERY, type Wire } from "./api";
import { button, ConfirmInline, DataTable, ErrorNote, input, primary, QueryState, RowError, Section, td } from "./ui";

type InvitationView = Wire<InvitationSummary>;
type NewInvitationView = Wire<NewInvitation>;

const INVITATIONS = ["admin", "invitations"] as const;

function useInvitations() {
  return useQuery({ queryKey: INVITATIONS, queryFn: () => requestJson<InvitationView[]>("GET", "/api/admin/invitations"), staleTime: 0 });
}

/** Invite someone by email and role; pending invitations can be revoked. */
export function InvitationsPanel() {
  const invitations = useInvitations();
  const [sent, setSent] = useState<NewInvitationView | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const pending = invitations.data?.filter((i) => i.status === "pending") ?? [];
  return (
    <Section id="invitations" title="Invitations">
      <div className="space-y-4">
        <InviteForm
          onSent={(invitation) => {
            setSent(invitation);
            setAnnouncement(invitation.emailed ? `Invitation emailed to ${invitation.email}.` : `Invitation made for ${invitation.email}; it was not emailed.`);
          }}
        />
        {sent && <SentNote sent={sent} />}
        <QueryState what="the invitations" isPending={invitations.isPending} error={invitations.error} />
        {invitations.data &&
          (pending.length === 0 ? (
            <p className="text-sm text-slate-600">No pending invitations.</p>
          ) : (
            <DataTable caption="Pending invitations, newest first" columns={["Email", "Role", "Invited by", "Sent", "Expires", { label: "Actions", hidden: true }]}>
              {pending.map((i) => (
                <InvitationRow key={i.id} invitation={i} onRevoked={() => setAnnouncement(`Invitation of ${i.email} revoked.`)} />
              ))}
            </DataTable>
          ))}
        <p role="status" className="sr-only">
          {announcement}
        </p>
      </div>
    </Section>
  );
}

function InviteForm({ onSent }: { onSent: (invitation: NewInvitationView) => void }) {
  const hydrated = useHydrated();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("expert");
  const { busy, error, run } = useAction();
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const invitation = await requestJson<NewInvitationView>("POST", "/api/admin/invitations", { email, role });
      setEmail("");
      onSent(invitation);
      await queryClient.invalidateQueries({ queryKey: INVITATIONS });
    });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-email`} className="font-medium">
            Email to invite
          </label>
          <input id={`${id}-email`} type="email" required className={`${input} w-72`} value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={error !== null} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-role`} className="font-medium">
            Role
          </label>
          <select id={`${id}-role`} className={input} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={primary} disabled={!hydrated || busy}>
          {busy ? "Inviting…" : "Send invitation"}
        </button>
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
    </form>
  );
}

/** After inviting: emailed, or the link to pass on and why it was not emailed. */
export function SentNote({ sent }: { sent: NewInvitationView }) {
  if (sent.emailed) {
    return <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">Invitation emailed to {sent.email}. The link works once, for 7 days.</p>;
  }
  return (
    <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p>{sent.reason}</p>
      <p>Pass this one-time link (valid 7 days) to {sent.email} yourself:</p>
      <input aria-label={`Invitation link for ${sent.email}`} readOnly value={sent.link ?? ""} className={`${input} w-full font-mono text-xs`} onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}

function InvitationRow({ invitation, onRevoked }: { invitation: InvitationView; onRevoked: () => void }) {
  const queryClient = useQueryClient();
  const { busy, error, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  const revoke = () =>
    void run(async () => {
      await requestJson("DELETE", `/api/admin/invitations/${invitation.id}`);
      onRevoked();
      await queryClient.invalidateQueries({ queryKey: INVITATIONS });
    });
  return (
    <tr className="align-top">
      <th scope="row" className={`${td} whitespace-nowrap font-medium`}>
        {invitation.email}
      </th>
      <td className={td}>{invitation.role}</td>
      <td className={td}>{invitation.invitedBy ?? "—"}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(invitation.createdAt)}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(invitation.expiresAt)}</td>
      <td className={td}>
        {confirming ? (
          <ConfirmInline prompt={`Revoke the invitation of ${invitation.email}?`} confirmLabel="Revoke" busy={busy} onConfirm={revoke} onCancel={() => setConfirming(false)} />
        ) : (
          <button type="button" className={button} disabled={busy} aria-label={`Revoke the invitation of ${invitation.email}`} onClick={() => setConfirming(true)}>
            Revoke
          </button>
        )}
        <RowError error={error} />
      </td>
    </tr>
  );
}
