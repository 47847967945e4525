import { describe, expect, it } from "vitest";
import { basemapOrigins, contentSecurityPolicy, newNonce, STATIC_SECURITY_HEADERS } from "./security-headers";

const directive = (policy: string, name: string) => policy.split("; ").find((d) => d.startsWith(`${name} `));

describe("the Content-Security-Policy", () => {
  it("runs only scripts with the request's nonce (and what they load), never inline or eval in production", () => {
    const policy = contentSecurityPolicy({ nonce: "abc123" });
    expect(directive(policy, "script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).not.toContain("unsafe-eval");
    expect(directive(policy, "style-src-elem")).toBe("style-src-elem 'self' 'nonce-abc123'");
    expect(directive(policy, "object-src")).toBe("object-src 'none'");
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(policy, "base-uri")).toBe("base-uri 'self'");
  });

  it("lets MapLibre run: its worker, data/blob images, and fetches from this server only", () => {
    const policy = contentSecurityPolicy({ nonce: "n" });
    expect(directive(policy, "worker-src")).toBe("worker-src 'self' blob:");
    expect(directive(policy, "img-src")).toBe("img-src 'self' data: blob: https: http:");
    expect(directive(policy, "connect-src")).toBe("connect-src 'self'");
  });

  it("adds an online basemap's origin to connect-src, and dev mode's eval and hot-reload socket", () => {
    const policy = contentSecurityPolicy({ nonce: "n", dev: true, connectOrigins: basemapOrigins("https://tiles.example.org/styles/liberty.json") });
    expect(directive(policy, "connect-src")).toBe("connect-src 'self' https://tiles.example.org ws: wss:");
    expect(directive(policy, "script-src")).toContain("'unsafe-eval'");
    expect(basemapOrigins(undefined)).toEqual([]);
  });

  it("upgrades insecure requests only when served over https", () => {
    expect(contentSecurityPolicy({ nonce: "n" })).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ nonce: "n", https: true })).toMatch(/; upgrade-insecure-requests$/);
  });

  it("uses a fresh 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

it("the fixed headers forbid sniffing and framing, and trim referrers and browser features", () => {
  expect(STATIC_SECURITY_HEADERS).toMatchObject({
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
  });
  expect(STATIC_SECURITY_HEADERS["Permissions-Policy"]).toBe("camera=(), microphone=(), geolocation=(), payment=(), display-capture=(), midi=()");
});
