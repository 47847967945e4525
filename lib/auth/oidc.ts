/**
 * OpenID Connect sign-in (docs/accounts.md) through better-auth's genericOAuth plugin
 * (better-auth/dist/plugins/generic-oauth/index.mjs, `genericOAuth` and `buildProviders`): the
 * provider's discovery document gives the endpoints and JWKS; authorization uses PKCE, state and a
 * nonce bound to the ID token, whose signature, issuer and audience are verified. Configured only
 * when OIDC_ISSUER is set, so an installation without a provider never tries discovery.
 */
import { APIError } from "better-auth/api";
import { genericOAuth } from "better-auth/plugins";
import { OIDC_PROVIDER_ID } from "@/lib/accounts/sign-in";
import { publicUrl } from "@/lib/accounts/links";
import { rememberProfile } from "@/lib/accounts/sign-in-context";
import type { Config } from "@/lib/config";

type OidcConfig = Pick<
  Config,
  "OIDC_ISSUER" | "OIDC_CLIENT_ID" | "OIDC_CLIENT_SECRET" | "OIDC_NAME" | "OIDC_SCOPES" | "PUBLIC_URL" | "PORT"
>;

export const OIDC_CALLBACK_PATH = `/api/auth/callback/${OIDC_PROVIDER_ID}`;

export function oidcEnabled(c: Pick<Config, "OIDC_ISSUER" | "OIDC_CLIENT_ID">): boolean {
  return c.OIDC_ISSUER !== undefined && c.OIDC_CLIENT_ID !== undefined;
}

export function oidcPlugins(c: OidcConfig) {
  if (!c.OIDC_ISSUER || !c.OIDC_CLIENT_ID) return [];
  return [
    genericOAuth({
      config: [
        {
          providerId: OIDC_PROVIDER_ID,
          name: c.OIDC_NAME,
          discoveryUrl: `${c.OIDC_ISSUER}/.well-known/openid-configuration`,
          // No sign-in on an unverifiable ID token: discovery must give an issuer and a JWKS.
          requireIdTokenVerification: true,
          clientId: c.OIDC_CLIENT_ID,
          clientSecret: c.OIDC_CLIENT_SECRET,
          pkce: true,
          scopes: ["openid", "email", "profile", ...c.OIDC_SCOPES],
          // The address registered with the provider: PUBLIC_URL, not whatever Host the request named.
          redirectURI: `${publicUrl(c)}${OIDC_CALLBACK_PATH}`,
          // The verified claims go to the sign-in hook, which maps the role claim (lib/accounts/sign-in.ts).
          mapProfileToUser: (profile) => {
            rememberProfile(profile);
            const email = typeof profile.email === "string" ? profile.email : "";
            return { name: typeof profile.name === "string" && profile.name.trim() ? profile.name : email.split("@")[0] };
          },
        },
      ],
    }),
  ];
}

/**
 * Pins the issuer: the discovery document must name exactly OIDC_ISSUER (OpenID Connect Discovery
 * §4.3). genericOAuth verifies ID tokens against the issuer discovery names, so a document naming
 * another one (a wrong or hijacked discovery URL) would otherwise be trusted.
 */
export function assertPinnedIssuer(providers: ReadonlyArray<{ id: string; issuer?: string }>, configured: string | undefined): void {
  const provider = providers.find((p) => p.id === OIDC_PROVIDER_ID);
  if (!configured || !provider?.issuer) return;
  if (provider.issuer.replace(/\/+$/, "") !== configured) {
    throw new APIError("BAD_GATEWAY", {
      code: "OIDC_ISSUER_MISMATCH",
      message: `The identity provider's discovery document names the issuer ${provider.issuer}, not the configured ${configured}; sign-in with it is refused.`,
    });
  }
}
