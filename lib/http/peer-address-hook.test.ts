/**
 * X-Forwarded-For is the socket's address unless TRUST_PROXY: the hook on real Node.js HTTP
 * servers (in this process, and preloaded into a child exactly as `startWeb` preloads it), the web
 * command line per TRUST_PROXY, and how the per-client limits read the header.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { webArgs } from "@/scripts/runtime";
import { clientIp } from "./client-ip";
import { installPeerAddressHook } from "./peer-address-hook.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** What a client talking to Edgar directly may write, to be someone else or many people. */
const SPOOFS: Record<string, string>[] = [{ "x-forwarded-for": "203.0.113.7" }, { "x-forwarded-for": "203.0.113.7, 198.51.100.2" }, { "X-Forwarded-For": "::1" }, {}];

/** GETs `/` with those headers; the server answers what it saw in X-Forwarded-For (parsed | raw). */
function ask(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/", headers }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

const ECHO = `(request, response) => {
  const raw = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i].toLowerCase() === "x-forwarded-for") raw.push(request.rawHeaders[i + 1]);
  response.end(String(request.headers["x-forwarded-for"]) + " | " + raw.join(";"));
}`;

let stop: (() => void) | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  stop?.();
  stop = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  server = undefined;
});

async function echoServer(): Promise<number> {
  server = http.createServer(eval(ECHO));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("the peer-address hook", () => {
  it("puts the socket's address in X-Forwarded-For, parsed and raw, whatever the client sent", async () => {
    stop = installPeerAddressHook();
    const port = await echoServer();
    for (const headers of SPOOFS) expect(await ask(port, headers), JSON.stringify(headers)).toBe(`127.0.0.1 | ${"x-forwarded-for" in headers || "X-Forwarded-For" in headers ? "127.0.0.1" : ""}`);
  });

  it("without it, the client's value is what a route would read (what the hook is for)", async () => {
    const port = await echoServer();
    expect(await ask(port, { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7 | 203.0.113.7");
  });

  it("is in force in a process started with the web process's preload", async () => {
    const preload = webArgs(parseConfig({}))[1];
    expect(fileURLToPath(preload)).toBe(path.join(ROOT, "scripts", "web-peer-address.mjs"));
    const script = `const http = require("node:http"); const s = http.createServer(${ECHO}).listen(0, "127.0.0.1", () => console.log(s.address().port));`;
    const child = spawn(process.execPath, ["--import", preload, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
        child.once("exit", (code) => reject(new Error(`the child exited with ${code}`)));
      });
      for (const headers of SPOOFS) expect(await ask(port, headers), JSON.stringify(headers)).toBe(`127.0.0.1 | ${"x-forwarded-for" in headers || "X-Forwarded-For" in headers ? "127.0.0.1" : ""}`);
    } finally {
      child.kill();
    }
  });
});

describe("TRUST_PROXY", () => {
  it("is off by default: the web process is started with the hook; on, without it", () => {
    const next = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
    expect(webArgs(parseConfig({ PORT: "3100" }))).toEqual(["--import", expect.stringMatching(/scripts\/web-peer-address\.mjs$/), next, "start", "-p", "3100"]);
    expect(webArgs(parseConfig({ PORT: "3100", TRUST_PROXY: "false" }))[0]).toBe("--import");
    expect(webArgs(parseConfig({ PORT: "3100", TRUST_PROXY: "true" }))).toEqual([next, "start", "-p", "3100"]);
    expect(() => parseConfig({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });
});

describe("clientIp (sign-in and reset limits, live-update streams)", () => {
  const ip = (value?: string) => clientIp(new Headers(value === undefined ? {} : { "x-forwarded-for": value }));

  it("is the address in the header; of a list a trusted proxy appended to, its own last entry", () => {
    expect(ip("127.0.0.1")).toBe("127.0.0.1");
    expect(ip("::ffff:127.0.0.1")).toBe("::ffff:127.0.0.1");
    expect(ip("203.0.113.7, 198.51.100.2")).toBe("198.51.100.2");
  });

  it("is unknown when the header is absent or holds no address", () => {
    for (const value of [undefined, "", "unknown", "198.51.100.2, x", "1.2.3.4.5"]) expect(ip(value), String(value)).toBeNull();
  });
});
