/** `npm run bench -- [--records N] [...]`: parsed and checked, with messages that say what is wrong. */
import { parseArgs } from "node:util";

export const USAGE = `usage: npm run bench -- [--records 1000000] [--seed 1] [--no-postgis] [--no-docs]
                       [--tile-passes 3] [--concurrent-seconds 20] [--large-world 5000000]
                       [--model-world 5000000] [--model-grid 2000] [--live-world 50000] [--live-submits 12]
  --records             records in the simulated ALA (${1_000}..${10_000_000}); default 1 000 000
  --seed                the simulator's seed; default 1
  --no-postgis          skip the PostGIS peer
  --no-docs             do not update docs/performance.md (runs under 1 000 000 records never do)
  --tile-passes         measured passes over the map session's tiles; default 3
  --concurrent-seconds  length of the 32-client tile load; default 20
  --large-world         the world whose largest species the street-level tile phase copies
                        (bench/large-species.ts; 5 000 000: 1.2 M records); 0 skips it
  --model-world         the world whose largest species the suitability model phase fits
                        (bench/model.ts; default 5 000 000); 0 skips it
  --model-grid          cells a side of the grids the model is projected onto; default 2000
  --live-world          records of the world the submit → new tile phase imports
                        (bench/live-submit.ts; default 50 000, the demo's); 0 skips it
  --live-submits        vettings submitted in that phase; default 12`;

export interface BenchArgs {
  records: number;
  seed: number;
  postgis: boolean;
  docs: boolean;
  tilePasses: number;
  concurrentSeconds: number;
  /** 0: skip the large-species phase. */
  largeWorld: number;
  /** 0: skip the model phase. */
  modelWorld: number;
  modelGrid: number;
  /** 0: skip the submit → new tile phase. */
  liveWorld: number;
  liveSubmits: number;
}

export class ArgsError extends Error {}

function whole(name: string, text: string, min: number, max: number): number {
  const clean = text.replace(/[_ ]/g, "");
  if (!/^\d+$/.test(clean)) throw new ArgsError(`--${name} must be a whole number, got "${text}"`);
  const value = Number(clean);
  if (value < min || value > max) throw new ArgsError(`--${name} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** A world's records for an optional phase: 0 (skip it) or 1 000 … 10 000 000. */
function worldOrNone(name: string, text: string): number {
  const value = whole(name, text, 0, 10_000_000);
  if (value > 0 && value < 1_000) throw new ArgsError(`--${name} must be 0 (skip) or from 1000 to 10000000, got ${value}`);
  return value;
}

/** null: --help was asked for. */
export function parseBenchArgs(argv: string[]): BenchArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        records: { type: "string", default: "1000000" },
        seed: { type: "string", default: "1" },
        "no-postgis": { type: "boolean", default: false },
        "no-docs": { type: "boolean", default: false },
        "tile-passes": { type: "string", default: "3" },
        "concurrent-seconds": { type: "string", default: "20" },
        "large-world": { type: "string", default: "5000000" },
        "model-world": { type: "string", default: "5000000" },
        "model-grid": { type: "string", default: "2000" },
        "live-world": { type: "string", default: "50000" },
        "live-submits": { type: "string", default: "12" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ArgsError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return null;
  const records = whole("records", values.records, 1_000, 10_000_000);
  return {
    records,
    seed: whole("seed", values.seed, 0, 2 ** 32 - 1),
    postgis: !values["no-postgis"],
    docs: !values["no-docs"] && records >= 1_000_000,
    tilePasses: whole("tile-passes", values["tile-passes"], 1, 100),
    concurrentSeconds: whole("concurrent-seconds", values["concurrent-seconds"], 1, 600),
    largeWorld: whole("large-world", values["large-world"], 0, 10_000_000),
    modelWorld: worldOrNone("model-world", values["model-world"]),
    modelGrid: whole("model-grid", values["model-grid"], 100, 4000),
    liveWorld: worldOrNone("live-world", values["live-world"]),
    liveSubmits: whole("live-submits", values["live-submits"], 1, 100),
  };
}
