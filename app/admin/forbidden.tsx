import { MessagePage } from "@/components/auth/message-page";

/** What a signed-in researcher or expert sees at /admin (with status 403): no part of the console. */
export default function AdminForbidden() {
  return (
    <MessagePage title="Admins only">
      The admin console is for administrators, and this account is not one. An administrator can change an account&apos;s role.
    </MessagePage>
  );
}
