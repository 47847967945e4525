/**
 * Test helpers for what runs in other processes: a TypeScript entry point started as a child
 * (the CLI, the worker, a sync to kill), its output watched line by line; and waiting for a
 * condition to hold.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** Resolves once `check` holds (polled); rejects after `timeoutMs`, naming `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TypeScript entry point run as a child process (under tsx), with its output collected. */
export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout/stderr line matching `pattern` (rejects if the child exits first). */
  waitFor(pattern: RegExp | ((line: string) => boolean)): Promise<string>;
  /** Exit code, or the signal's name when it was killed. */
  exited: Promise<number | string>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export function spawnTs(script: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const watchers: { test: (line: string) => boolean; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  // Output comes in chunks that may end mid-line: only whole lines are looked at.
  const partial = { out: "", err: "" };
  const check = (stream: "out" | "err", chunk: string) => {
    const lines = (partial[stream] + chunk).split("\n");
    partial[stream] = lines.pop()!;
    for (const line of lines) {
      for (const w of watchers.filter((x) => x.test(line))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    check("out", chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
    check("err", chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    // "close", not "exit": by then every byte of its output has been read.
    child.on("close", (code, signal) => {
      for (const w of watchers.splice(0)) w.reject(new Error(`${script} exited (${code ?? signal}) before the line waited for\n${out}\n${err}`));
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern) {
      const test = typeof pattern === "function" ? pattern : (line: string) => pattern.test(line);
      const seen = [...out.split("\n").slice(0, -1), ...err.split("\n").slice(0, -1)].find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`${script} already exited`));
      return new Promise((resolve, reject) => watchers.push({ test, resolve, reject }));
    },
  };
}
