import { parseArgs, type ParseArgsConfig } from "node:util";

/** Prints the problem with the script's usage and exits 2, the scripts' "bad arguments" code. */
export function badUsage(usageText: string, problem: string): never {
  console.error(`${problem}\n${usageText}`);
  process.exit(2);
}

const spoken = (words: readonly string[]) => (words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`);

/**
 * The command line of an `npm run <script>` CLI: flags parsed strictly, `--help`/`-h` printing
 * the usage (exit 0), and the first positional one of `commands`, so every script answers a typo
 * and a plea for help the same way. A script refuses the rest of its line with `badUsage`.
 */
export function commandLine<const O extends NonNullable<ParseArgsConfig["options"]>, const C extends string>(
  usageText: string,
  commands: readonly C[],
  options: O,
) {
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
  const [command, ...operands] = parsed.positionals;
  if (!commands.includes(command as C)) badUsage(usageText, command ? `unknown command "${command}"` : `a command is needed: ${spoken(commands)}`);
  return { values: parsed.values, command: command as C, operands };
}
