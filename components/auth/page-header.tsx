import { AppHeader } from "@/components/explorer/app-header";
import { SpeciesSearchLink } from "@/components/search/species-search-link";
import { AccountMenu } from "./account-menu";

/**
 * The map page's header on every other page (/login, /vettings, /admin, messages): the way back
 * to the map, the species search (a pick opens that species' map) and the account menu.
 */
export function PageHeader({ menu = true }: { menu?: boolean }) {
  return <AppHeader search={<SpeciesSearchLink />} account={menu ? <AccountMenu /> : undefined} />;
}
