import { parseArgs, type ParseArgsConfig } from "node:util";

/** Prints the problem with the script's usage and exits 2, the scripts' "bad arguments" code. */
export function badUsage(usageText: string, problem: string): never {
  console.error(`${problem}\n${usageText}`);
  process.exit(2);
}

/**
 * The command line of an `npm run <script>` CLI: flags parsed strictly, and `--help`/`-h`
 * printing the usage (exit 0), so every script answers a typo and a plea for help the same way.
 */
export function commandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(usageText: string, options: O) {
  let parsed;
  try {
    parsed = parseArgs({ options: { ...options, help: { type: "boolean", short: "h", default: false } }, strict: true, allowPositionals: true });
  } catch (err) {
    badUsage(usageText, (err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usageText);
    process.exit(0);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
