// Keeps package-lock.json valid for `npm ci` when it was written behind a registry that serves
// only some platforms' native builds (this project's build machines see only the Linux ones).
// npm then leaves the other platforms' optional packages out of the lock, and `npm ci` refuses
// the lock as "Missing: … from lock file". We add those entries back with the os/cpu/libc their
// names state, so npm skips them on other platforms exactly as it would with a complete lock.
// A lock that is already complete is left untouched (this also runs after every `npm ci`).
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = "package-lock.json";
const OSES = new Set(["android", "darwin", "freebsd", "linux", "netbsd", "openbsd", "openharmony", "sunos", "win32", "aix"]);
const CPUS = new Set(["arm", "arm64", "ia32", "loong64", "mips64el", "ppc64", "riscv64", "s390x", "x64", "wasm32"]);

/** os / cpu / libc from a native package's name, e.g. `@rollup/rollup-linux-arm-musleabihf`. */
export function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OSES.has(p));
  const cpu = parts.find((p) => CPUS.has(p));
  const libc = parts.find((p) => p.startsWith("musl")) ? "musl" : parts.find((p) => p.startsWith("gnu")) ? "glibc" : undefined;
  return {
    ...(os && { os: [os] }),
    ...(cpu && { cpu: [cpu] }),
    ...(os === "linux" && libc && { libc: [libc] }),
  };
}

function resolves(packages, from, name) {
  for (let dir = from; ; dir = dir.slice(0, dir.lastIndexOf("/node_modules/"))) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir.includes("/node_modules/")) return Boolean(packages[`node_modules/${name}`]);
  }
}

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (!/^\d+\.\d+\.\d+/.test(version) || resolves(lock.packages, path, name)) continue;
    lock.packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev && { dev: true }),
      optional: true,
      ...platformOf(name),
    };
    added.push(`${name}@${version}`);
  }
}

if (added.length) {
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: added ${added.length} other-platform optional packages (${added.slice(0, 3).join(", ")}, …)`);
}
