"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { ROLES, type Role } from "@/lib/auth/roles";
import { ADMIN_QUERY, useUsers, type UserView } from "./api";
import { button, ConfirmInline, DataTable, input, QueryState, RowError, Section, td } from "./ui";
import { useAction } from "@/components/use-action";

/** Every account: change its role, disable or enable it. */
export function UsersPanel({ meId }: { meId: string }) {
  const users = useUsers();
  const [announcement, setAnnouncement] = useState("");
  return (
    <Section id="users" title="Users">
      <QueryState what="the users" isPending={users.isPending} error={users.error} />
      {users.data && (
        <DataTable caption="Accounts, by email" columns={["Email", "Name", "Role", "Status", "Created", "Invited", "Last sign-in", { label: "Actions", hidden: true }]}>
          {users.data.map((u) => (
            <UserRow key={u.id} user={u} isMe={u.id === meId} onChanged={setAnnouncement} />
          ))}
        </DataTable>
      )}
      <p className="mt-2 text-xs text-slate-600">
        New accounts come from <a href="#invitations" className="font-medium text-sky-800 underline">invitations</a> (or{" "}
        <code>npm run user -- create</code>). Disabling an account signs it out everywhere and stops its API keys.
      </p>
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </Section>
  );
}

function UserRow({ user, isMe, onChanged }: { user: UserView; isMe: boolean; onChanged: (announcement: string) => void }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { busy, error, run } = useAction();
  const [confirmDisable, setConfirmDisable] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  const change = async (body: { role?: Role; disabled?: boolean }) => {
    await run(async () => {
      // The answer is the user without the audit columns, which a change leaves as they were.
      const saved = await requestJson<Omit<UserView, "invitedBy" | "invitedAt" | "lastSignInAt" | "lastSignInMethod">>(
        "PATCH",
        `/api/admin/users/${encodeURIComponent(user.id)}`,
        body,
      );
      queryClient.setQueryData<UserView[]>(ADMIN_QUERY.users, (all) => all?.map((u) => (u.id === saved.id ? { ...u, ...saved } : u)));
      void queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.keys });
      onChanged(body.role ? `${saved.email} is now ${saved.role}.` : `${saved.email} is ${saved.disabled ? "disabled" : "enabled"}.`);
      // An admin who stepped down may no longer see this page.
      if (isMe && (saved.role !== "admin" || saved.disabled)) router.refresh();
    });
    setConfirmDisable(false);
  };

  return (
    <tr className={`align-top ${user.disabled ? "bg-slate-50 text-slate-500" : ""}`}>
      <th scope="row" className={`${td} whitespace-nowrap font-medium`}>
        {user.email}
        {isMe && <span className="ml-1 text-xs font-normal text-slate-600">(you)</span>}
      </th>
      <td className={td}>{user.name}</td>
      <td className={td}>
        <select
          aria-label={`Role of ${user.email}`}
          className={input}
          value={user.role}
          disabled={busy}
          onChange={(e) => void change({ role: e.target.value as Role })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td className={td}>{user.disabled ? "Disabled" : "Enabled"}</td>
      <td className={`${td} whitespace-nowrap`}>{formatDateTime(user.createdAt)}</td>
      <td className={`${td} whitespace-nowrap`}>{user.invitedAt ? `${user.invitedBy ?? "an admin since removed"}, ${formatDateTime(user.invitedAt)}` : "—"}</td>
      <td className={`${td} whitespace-nowrap`}>{user.lastSignInAt ? `${formatDateTime(user.lastSignInAt)} (${user.lastSignInMethod === "oidc" ? "OpenID Connect" : "password"})` : "never"}</td>
      <td className={td}>
        {confirmDisable ? (
          <ConfirmInline
            prompt={`Disable ${user.email}?`}
            confirmLabel="Disable"
            busy={busy}
            onConfirm={() => void change({ disabled: true })}
            onCancel={() => {
              setConfirmDisable(false);
              toggle.current?.focus();
            }}
          />
        ) : (
          <button
            ref={toggle}
            type="button"
            className={button}
            disabled={busy}
            aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
            onClick={() => (user.disabled ? void change({ disabled: false }) : setConfirmDisable(true))}
          >
            {user.disabled ? "Enable" : "Disable"}
          </button>
        )}
        <RowError error={error} />
      </td>
    </tr>
  );
}
