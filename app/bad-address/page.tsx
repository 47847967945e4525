import { MessagePage } from "@/components/auth/message-page";

export const dynamic = "force-dynamic";

/** Shown (with status 400) for a page address that cannot be read; proxy.ts rewrites such requests here. */
export default function BadAddress() {
  return (
    <MessagePage title="This address cannot be read">
      Part of the address holds a percent-escape that is incomplete or is not UTF-8 text, so there is no page to show for it.
    </MessagePage>
  );
}
