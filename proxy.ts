import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config";
import { isHttps } from "@/lib/http/https";
import { basemapOrigins, contentSecurityPolicy, HSTS, newNonce } from "@/lib/http/security-headers";

/**
 * Every page gets a Content-Security-Policy with a fresh script nonce. Next.js reads the policy
 * from the request headers while rendering and puts the nonce on its own scripts, so only those
 * run (docs/security.md). The fixed headers are in next.config.ts.
 */
export function proxy(request: NextRequest) {
  const https = isHttps(request.headers, request.url);
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    dev: process.env.NODE_ENV === "development",
    https,
    connectOrigins: basemapOrigins(appConfig().BASEMAP_STYLE_URL),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set(HSTS.name, HSTS.value);
  return response;
}

export const config = {
  matcher: [
    {
      // Documents only. API and /ws bodies must not pass through here: a proxy makes Next.js
      // buffer (and past 10 MB silently cut) every request body. Static files carry no script.
      source: "/((?!api/|ws/|_next/static|_next/image|vendor/|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
