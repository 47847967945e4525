/**
 * Node children of the bench (the simulator, the tile server), each started with tsx and ready
 * once it prints the line `pattern` matches (its URL). They are killed if the bench exits early.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

export const ROOT = path.resolve(import.meta.dirname, "..");

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface ChildOptions {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof to profile that side of a run. */
  nodeArgs?: string[];
  /** Matches the line announcing readiness; its first group is the URL. */
  ready: RegExp;
}

export async function startChild(o: ChildOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), "--import", "tsx", path.join(ROOT, o.script), ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...o.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  try {
    const url = await announcedUrl(child, o.ready);
    return {
      url,
      pid: child.pid!,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

function announcedUrl(child: ChildProcess, ready: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = ready.exec(line);
      if (m) resolve(m[1]);
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${path.basename(child.spawnargs.at(-1) ?? "child")} exited (code ${code}) before it was ready`)));
  });
}

/** Runs a standalone bench's `main` when its file is the one started (`npx tsx bench/x.ts`), not imported. */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
