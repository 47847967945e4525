/**
 * Edgar's browser security headers, in one place: the Content-Security-Policy (per request, with
 * a script nonce; set by proxy.ts) and the fixed headers every answer carries (next.config.ts).
 * Documented in docs/security.md.
 */
import { randomBytes } from "node:crypto";

export interface CspOptions {
  /** Fresh for every page request: only scripts carrying it (Next.js's own) run. */
  nonce: string;
  /** `next dev`: React needs eval for its error overlay, and hot reload talks over a WebSocket. */
  dev?: boolean;
  /** Served over https: browsers are also told to upgrade any http subresource. */
  https?: boolean;
  /**
   * Further origins the page may fetch from: an online basemap (BASEMAP_STYLE_URL), whose style,
   * tiles, sprites and glyphs MapLibre fetches with fetch().
   */
  connectOrigins?: readonly string[];
}

/** 128 random bits, base64 as CSP's nonce-source wants. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy({ nonce, dev = false, https = false, connectOrigins = [] }: CspOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // 'strict-dynamic': scripts the nonce'd Next.js runtime loads (page chunks) may run; nothing else.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // MapLibre's worker comes from /vendor/maplibre-gl-worker.mjs; blob: for builds that inline it.
    "worker-src": ["'self'", "blob:"],
    "child-src": ["'self'", "blob:"],
    // Style elements must be Next.js's own (nonce'd); style attributes (React's style props,
    // MapLibre's positioning of markers and popups) cannot run script, so they are allowed.
    "style-src": ["'self'", `'nonce-${nonce}'`],
    "style-src-elem": ["'self'", `'nonce-${nonce}'`, ...(dev ? ["'unsafe-inline'"] : [])],
    "style-src-attr": ["'unsafe-inline'"],
    // Record photos come from the ALA's image service (any host the records name); MapLibre
    // draws through data: and blob: URLs.
    "img-src": ["'self'", "data:", "blob:", "https:", "http:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", ...connectOrigins, ...(dev ? ["ws:", "wss:"] : [])],
    "manifest-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-src": ["'none'"],
    "frame-ancestors": ["'none'"],
  };
  const policy = Object.entries(directives).map(([name, sources]) => `${name} ${sources.join(" ")}`);
  if (https) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

/** The origin of an online basemap style, when one is configured. */
export function basemapOrigins(styleUrl: string | undefined): string[] {
  return styleUrl ? [new URL(styleUrl).origin] : [];
}

/** Browser features no page of Edgar uses, turned off. */
export const PERMISSIONS_POLICY_FEATURES = ["camera", "microphone", "geolocation", "payment", "display-capture", "midi"] as const;

/** Headers every answer carries, whatever it is (pages, API, static files). */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // For browsers older than CSP's frame-ancestors.
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  // Only features both Chromium and Firefox know: any other is logged as "Unrecognized feature" on every page.
  "Permissions-Policy": PERMISSIONS_POLICY_FEATURES.map((f) => `${f}=()`).join(", "),
};

/**
 * Only over https: a browser that saw it would refuse plain http to this host for a year, which
 * on http://localhost would lock people out. No includeSubDomains: other hosts of the operator's
 * domain are not Edgar's to decide.
 */
export const HSTS = { name: "Strict-Transport-Security", value: "max-age=31536000" } as const;
