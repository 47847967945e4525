/** What the figures were measured on: they mean little without it. */
import fs from "node:fs";
import os from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  /** The 1-minute load average when the bench started: other work sharing the cores. */
  loadAtStart: number;
}

function osName(): string {
  const release = fs.existsSync("/etc/os-release") ? fs.readFileSync("/etc/os-release", "utf8") : "";
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1];
  return `${pretty ?? os.type()} (kernel ${os.release()})`;
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: osName(),
    node: process.version,
    loadAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}
