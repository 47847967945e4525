import { MessagePage } from "@/components/auth/message-page";

/** Any unknown address, in the app's own frame (Next's default page needs inline styles the CSP refuses). */
export default function NotFound() {
  return <MessagePage title="Page not found">There is nothing at this address.</MessagePage>;
}
