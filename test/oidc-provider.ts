/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package) on 127.0.0.1, with one
 * client for Edgar. Its login and consent interactions finish by themselves as the account the test
 * chose (`nextLogin`), so a browser (or a test following redirects) only follows redirects.
 * A control API under /__control lets e2e specs, which run in another process, choose the account
 * and shorten the authorization code's lifetime.
 */
import http from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

export interface TestAccount {
  /** also the `sub` */
  email: string;
  name?: string;
  email_verified?: boolean;
  /** the claim Edgar's OIDC_ROLE_CLAIM names in tests */
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  port: number;
  clientId: string;
  clientSecret: string;
  nextLogin(account: TestAccount): void;
  /** Authorization codes issued from now on live this many seconds (default 60). */
  codeTtl(seconds: number): void;
  /** The next redirect back to the client: with its state changed, and/or held this long. */
  tweakNextCallback(tweak: CallbackTweak): void;
  close(): Promise<void>;
}

/**
 * How the next redirect to the client's callback is spoiled: a browser follows redirects without
 * letting a test touch them, so the provider does it (as a hostile network or page would).
 */
export interface CallbackTweak {
  tamperState?: boolean;
  delayMs?: number;
}

export const TEST_CLIENT = { clientId: "edgar-test", clientSecret: "edgar-test-secret-0123456789abcdef" };

/** More /__control endpoints (the e2e mailbox): answers a JSON value, or undefined when the path is not its own. */
export type ExtraControl = (path: string, query: URLSearchParams) => Promise<unknown>;

export async function startOidcProvider(options: {
  port?: number;
  redirectUris: string[];
  issuer?: (port: number) => string;
  extraControl?: ExtraControl;
}): Promise<TestOidcProvider> {
  let account: TestAccount = { email: "someone@example.org" };
  let codeSeconds = 60;
  let callbackTweak: CallbackTweak | null = null;
  const accounts = new Map<string, TestAccount>();

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const issuer = options.issuer?.(port) ?? `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.clientId,
        client_secret: TEST_CLIENT.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // Claims in the ID token too, as many providers do; Edgar reads it or userinfo alike.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AuthorizationCode: () => codeSeconds,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    cookies: { keys: ["test-cookie-key-0123456789"] },
    findAccount: async (_ctx, sub) => {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: a.email, email_verified: a.email_verified ?? true, name: a.name ?? a.email.split("@")[0], groups: a.groups ?? [] }),
      };
    },
  });

  const callback = provider.callback();
  server.on("request", (req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", issuer);
        if (url.pathname.startsWith("/__control/")) return control(req, res, url);
        if (url.pathname.startsWith("/interaction/")) return await interact(req, res);
        if (callbackTweak) spoilCallbackRedirect(res);
        callback(req, res);
      } catch (err) {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
      }
    })();
  });

  /** Applies the pending tweak to this answer if it is the redirect back to the client. */
  function spoilCallbackRedirect(res: http.ServerResponse) {
    const setHeader = res.setHeader.bind(res);
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    let delayMs = 0;
    res.setHeader = (name: string, value: number | string | readonly string[]) => {
      const tweak = callbackTweak;
      if (tweak && name.toLowerCase() === "location" && typeof value === "string" && options.redirectUris.some((u) => value.startsWith(u))) {
        callbackTweak = null;
        const location = new URL(value);
        if (tweak.tamperState) location.searchParams.set("state", `x${location.searchParams.get("state")}`);
        delayMs = tweak.delayMs ?? 0;
        return setHeader(name, location.href);
      }
      return setHeader(name, value);
    };
    res.end = ((...args: unknown[]) => {
      if (delayMs === 0) return end(...args);
      setTimeout(() => end(...args), delayMs);
      return res;
    }) as typeof res.end;
  }

  async function interact(req: http.IncomingMessage, res: http.ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      accounts.set(account.email, account);
      return provider.interactionFinished(req, res, { login: { accountId: account.email } }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      void (async () => {
        try {
          const data = body ? JSON.parse(body) : {};
          if (url.pathname === "/__control/next-login") account = data as TestAccount;
          else if (url.pathname === "/__control/code-ttl") codeSeconds = Number(data.seconds);
          else if (url.pathname === "/__control/tweak-next-callback") callbackTweak = data.tamperState || data.delayMs ? (data as CallbackTweak) : null;
          else {
            const answer = await options.extraControl?.(url.pathname, url.searchParams);
            if (answer === undefined) return res.writeHead(404).end();
            return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
          }
          res.writeHead(204).end();
        } catch (err) {
          res.writeHead(400, { "content-type": "text/plain" }).end(String(err));
        }
      })();
    });
  }

  return {
    issuer,
    port,
    ...TEST_CLIENT,
    nextLogin: (a) => (account = a),
    codeTtl: (s) => (codeSeconds = s),
    tweakNextCallback: (t) => (callbackTweak = t),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
