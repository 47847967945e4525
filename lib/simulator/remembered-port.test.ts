import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startOnRememberedPort } from "./remembered-port";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-port-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a simulator on a remembered port", () => {
  it("comes back on the same port after a restart, and on another one when that port is taken", async () => {
    const file = path.join(dir, "simulator-port");
    const first = await startOnRememberedPort(file, { records: 50, seed: 1 });
    const port = new URL(first.url).port;
    expect(fs.readFileSync(file, "utf8")).toBe(port);
    await first.close();

    const again = await startOnRememberedPort(file, { records: 50, seed: 1 });
    expect(again.url).toBe(first.url);
    await again.close();

    // Another process holds the port now: the simulator still starts, elsewhere, and remembers that.
    const squatter = http.createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(port), "127.0.0.1", resolve));
    try {
      const moved = await startOnRememberedPort(file, { records: 50, seed: 1 });
      expect(moved.url).not.toBe(first.url);
      expect(fs.readFileSync(file, "utf8")).toBe(new URL(moved.url).port);
      expect((await fetch(`${moved.url}/assertions/codes`)).status).toBe(200);
      await moved.close();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
