/**
 * better-auth, configured on Edgar's tables: email + password, sessions in PostgreSQL, roles and
 * the disabled flag as extra user fields, rate limits kept in the database.
 */
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware, getIP } from "better-auth/api";
import type pg from "pg";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { isHttps } from "@/lib/http/https";
import { log } from "@/lib/log";
import { recordSignIn, signInMethod } from "@/lib/accounts/sign-in";
import { consumeLoginAttempt } from "./login-limit";
import { assertPinnedIssuer, oidcPlugins } from "./oidc";
import { authSecret } from "./secret";

export { isHttps };

export const AUTH_BASE_PATH = "/api/auth";
const SESSION_DAYS = 7;
const NO_PROVIDER_TOKENS = { accessToken: null, refreshToken: null, idToken: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null };

function build(db: pg.Pool, secure: boolean) {
  return betterAuth({
    appName: "Edgar",
    basePath: AUTH_BASE_PATH,
    secret: authSecret(config()),
    database: db,
    telemetry: { enabled: false },
    // Accounts are made by admins (npm run user, invitations), not by signing up; LOCAL_PASSWORDS=off
    // leaves only OpenID Connect (whose first sign-in makes a researcher account: lib/auth/oidc.ts).
    emailAndPassword: { enabled: config().LOCAL_PASSWORDS, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 128 },
    plugins: oidcPlugins(config()),
    user: {
      additionalFields: {
        role: { type: "string", input: false, required: false, defaultValue: "researcher" },
        disabled: { type: "boolean", input: false, required: false, defaultValue: false },
      },
    },
    // No cookie cache: every request reads the session row, so signing out or disabling a user
    // takes effect at once.
    session: { expiresIn: SESSION_DAYS * 24 * 3600, updateAge: 24 * 3600 },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "rate_limit",
      fields: { lastRequest: "last_request" },
      window: 60,
      max: 100,
      // Per client IP; the per-account limit is the hook below.
      customRules: { "/sign-in/email": { window: 60, max: 30 }, "/sign-in/social": { window: 60, max: 30 } },
    },
    advanced: {
      cookiePrefix: "edgar",
      useSecureCookies: secure,
      // Next.js always sets X-Forwarded-Host/Proto (from the socket unless a proxy did), so they
      // say which origin the browser sees; the origin check compares Origin with it.
      trustedProxyHeaders: true,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      // better-auth skips its origin check when NODE_ENV=test; tests must see production behaviour.
      disableOriginCheck: false,
    },
    databaseHooks: {
      // Edgar calls nothing on an OpenID Connect user's behalf, so it keeps none of their tokens.
      account: {
        create: { before: async (account) => ({ data: { ...account, ...NO_PROVIDER_TOKENS } }) },
        update: { before: async (account) => ({ data: { ...account, ...NO_PROVIDER_TOKENS } }) },
      },
      session: {
        create: {
          // Runs after the password was verified, so only its holder learns the account is disabled.
          before: async (session) => {
            // A source account (docs/range-imports.md) only owns imported vettings; nobody signs in as it.
            const { rows } = await db.query<{ disabled: boolean }>(`SELECT disabled OR kind = 'source' AS disabled FROM "user" WHERE id = $1`, [session.userId]);
            if (rows[0]?.disabled !== false) {
              throw new APIError("FORBIDDEN", { code: "ACCOUNT_DISABLED", message: "This account is disabled; ask an administrator." });
            }
          },
          // The accounts audit and OpenID Connect roles (lib/accounts/sign-in.ts).
          after: async (session, ctx) => {
            const method = signInMethod(ctx?.path);
            if (method) await recordSignIn(session.userId, method, config());
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-in/social" || ctx.path.startsWith("/callback/")) assertPinnedIssuer(ctx.context.socialProviders, config().OIDC_ISSUER);
        if (ctx.path !== "/sign-in/email") return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email : "";
        const ip = ctx.request ? getIP(ctx.request, ctx.context.options) : null;
        const decision = await consumeLoginAttempt(db, { email, ip });
        if (!decision.allowed) {
          throw new APIError(
            "TOO_MANY_REQUESTS",
            { code: "TOO_MANY_ATTEMPTS", message: `Too many sign-in attempts. Try again in ${decision.retryAfterSeconds} s.` },
            { "retry-after": String(decision.retryAfterSeconds) },
          );
        }
      }),
    },
    onAPIError: {
      // Where a failed OpenID Connect callback goes when its state (which names the page) is unknown.
      errorURL: "/login",
      // Refusals (wrong password, rate limit, bad origin) are answers, not faults.
      onError(error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== undefined && status < 500) log.debug({ status, message: (error as Error).message }, "better-auth refused a request");
        else log.error({ err: error }, "better-auth failed");
      },
    },
    logger: {
      level: "warn",
      log(level, message, ...args) {
        // Edgar answers under whatever host name it is reached by, so no fixed base URL is set.
        if (message.includes("Base URL is not set")) return;
        log[level]({ args }, `better-auth: ${message}`);
      },
    },
  });
}

export type Auth = ReturnType<typeof build>;

/** Per (database pool, cookie security): a new pool (tests make one per database) gets new instances. */
const instances = new Map<boolean, { db: pg.Pool; auth: Auth }>();

/**
 * The better-auth instance for a request: cookies are `Secure` (and `__Secure-` prefixed) when the
 * request came over https, so the same installation works on http://localhost and behind TLS.
 */
export function auth(secure: boolean): Auth {
  const db = pool();
  const cached = instances.get(secure);
  if (cached?.db === db) return cached.auth;
  const created = build(db, secure);
  instances.set(secure, { db, auth: created });
  return created;
}

export function authFor(request: Request): Auth {
  return auth(isHttps(request.headers, request.url));
}
