import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorResponse, HttpError, readBytes, readJson } from "./respond";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request("http://edgar.test/x", { method: "POST", body, headers });

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

describe("readJson", () => {
  const schema = z.object({ a: z.number() });

  it("reads and validates a JSON body", async () => {
    expect(await readJson(post('{"a":1}'), schema)).toEqual({ a: 1 });
  });

  it("refuses malformed JSON, non-UTF-8 bytes and schema failures as 400s that say so", async () => {
    expect(await refusal(readJson(post("{"), schema))).toMatchObject({ status: 400, code: "invalid_json" });
    expect(await refusal(readJson(post(new Uint8Array([0x7b, 0xff, 0x7d])), schema))).toMatchObject({ status: 400, code: "invalid_json" });
    expect(await refusal(readJson(post(null), schema))).toMatchObject({ status: 400, code: "invalid_json" });
    const wrong = await refusal(readJson(post('{"a":"1"}'), schema));
    expect(wrong).toMatchObject({ status: 400, code: "invalid_body" });
    expect(wrong.message).toMatch(/^a: /);
  });

  it("refuses NUL in any text of the body, keys and nested values included, however deep; keeps other text", async () => {
    const loose = z.unknown();
    for (const body of ['{"a":"x\\u0000y"}', '{"a\\u0000":1}', '[[[{"b":["\\u0000"]}]]]', `${"[".repeat(100_000)}"\\u0000"${"]".repeat(100_000)}`, `[${"0,".repeat(400_000)}"\\u0000"]`]) {
      const err = await refusal(readJson(post(body), loose));
      expect(err, body.slice(0, 40)).toMatchObject({ status: 400, code: "invalid_body" });
      expect(err.message).toMatch(/NUL/);
    }
    // A backslash before "u0000" is text, not NUL; tabs and line breaks are text too.
    expect(await readJson(post('{"a":"\\\\u0000","b":"x\\ty\\nz"}'), loose)).toEqual({ a: "\\u0000", b: "x\ty\nz" });
  });

  it("refuses a body over the limit by its Content-Length, before reading it", async () => {
    const request = post("{}", { "content-length": "2000000" });
    expect(await refusal(readJson(request, schema))).toMatchObject({ status: 413, code: "body_too_large" });
    expect(request.bodyUsed).toBe(false);
  });

  it("stops reading a streamed body once it passes the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const request = new Request("http://edgar.test/x", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    expect(await refusal(readBytes(request, 1_000_000))).toMatchObject({ status: 413 });
    // 1 MB in 64 KB chunks: it stopped within a chunk or two of the limit, not at the end (there is none).
    expect(pulled).toBeLessThan(20);
  });

  it("answers a body that breaks off as a 400, not a 500", async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'));
        controller.error(new Error("connection reset"));
      },
    });
    const request = new Request("http://edgar.test/x", { method: "POST", body: broken, duplex: "half" } as RequestInit);
    expect(await refusal(readJson(request, schema))).toMatchObject({ status: 400, code: "unreadable_body" });
  });
});

it("errorResponse gives the contract's JSON error for refusals, and hides the details of faults", async () => {
  const refused = errorResponse(new HttpError(409, "conflict", "No."));
  expect(refused.status).toBe(409);
  expect(await refused.json()).toEqual({ error: "conflict", message: "No." });
  const fault = errorResponse(new Error("secret detail"));
  expect(fault.status).toBe(500);
  expect(JSON.stringify(await fault.json())).not.toContain("secret detail");
});
