import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config";
import { isHttps } from "@/lib/http/https";
import { malformedUrlError, undecodableUrlPart } from "@/lib/http/malformed-url";
import { errorResponse } from "@/lib/http/respond";
import { basemapOrigins, contentSecurityPolicy, HSTS, newNonce } from "@/lib/http/security-headers";

/** Where a page request with an unreadable address is shown Edgar's own 400 page. */
const BAD_ADDRESS_PAGE = "/bad-address";

/**
 * The edge of every request but static files and API bodies (see the matcher):
 * - an address that does not decode (lib/http/malformed-url.ts) is refused here, once, with a
 *   400: the contract's JSON error for /api and /ws, Edgar's own error page for pages;
 * - every page gets a Content-Security-Policy with a fresh script nonce. Next.js reads the policy
 *   from the request headers while rendering and puts the nonce on its own scripts, so only those
 *   run (docs/security.md). The fixed headers are in next.config.ts.
 */
export function proxy(request: NextRequest) {
  const api = /^\/(api|ws)\//.test(request.nextUrl.pathname);
  const malformed = undecodableUrlPart(request.url);
  if (malformed && api) return errorResponse(malformedUrlError(malformed));
  if (api) return NextResponse.next();

  const https = isHttps(request.headers, request.url);
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    dev: process.env.NODE_ENV === "development",
    https,
    connectOrigins: basemapOrigins(appConfig().BASEMAP_STYLE_URL),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = malformed
    ? NextResponse.rewrite(new URL(BAD_ADDRESS_PAGE, request.url), { status: 400, request: { headers: requestHeaders } })
    : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set(HSTS.name, HSTS.value);
  return response;
}

export const config = {
  matcher: [
    {
      // Documents. Static files carry no script.
      source: "/((?!api/|ws/|_next/static|_next/image|vendor/|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // The API and /ws, for their addresses only: requests with a body (which comes only with one of
    // these headers) must not pass through here, as a proxy makes Next.js buffer (and past 10 MB
    // silently cut) every request body it sees. The matcher must be literal: Next.js reads it at build.
    {
      source: "/(api|ws)/:path*",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
    // With a body, only paths holding a percent-escape (which may be malformed) pass through here.
    { source: "/(api|ws)/:path(.*%.*)" },
  ],
};
