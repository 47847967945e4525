/**
 * `npm run bench [-- --records N]`: see bench/args.ts for the options and docs/performance.md for
 * what is measured. Progress on stderr; the result table on stdout, in bench/results/<date>.json
 * and (for runs of a million records or more) in docs/performance.md.
 */
import "./env";
import path from "node:path";
import { ArgsError, parseBenchArgs, USAGE } from "./args";
import { runBench } from "./bench";
import { ROOT } from "./child";
import { progressLine } from "./progress";
import { markdown, updateDocs, writeJson } from "./report";

let args;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof ArgsError)) throw err;
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (!args) {
  console.log(USAGE);
  process.exit(0);
}

const say = progressLine();
try {
  const result = await runBench({ ...args, say });
  const file = writeJson(result, path.join(ROOT, "bench", "results"));
  say(`results written to ${path.relative(ROOT, file)}`);
  if (args.docs) {
    updateDocs(result, path.join(ROOT, "docs", "performance.md"));
    say("docs/performance.md updated");
  }
  process.stdout.write("\n" + markdown(result));
  process.exit(0);
} catch (err) {
  say(`the bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
}
