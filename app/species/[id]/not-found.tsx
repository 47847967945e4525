import { MessagePage } from "@/components/auth/message-page";

/** /species/{id} for an id that names no species (or is no id at all). */
export default function SpeciesNotFound() {
  return <MessagePage title="Species not found">There is no species at this address; search for one above.</MessagePage>;
}
