// Command line of the bench: `node dist/scripts/bench/main.js [--quick] [--only a,b] [--agents a,b]
// [--reps N] [--upstream PATH] [--out DIR]`.
import * as path from 'path';
import { BenchOptions, Measured, MEASURED, ScenarioName, SCENARIOS } from './context';

export const USAGE = `usage: npm run bench -- [--quick] [--only ${SCENARIOS.join(',')}] [--agents ${MEASURED.join(',')}] [--reps N] [--upstream PATH] [--out DIR]
  --quick      one repetition and fewer samples (for development)
  --only       run only these scenarios (comma-separated)
  --agents     measure only these agents (comma-separated; default all)
  --reps       repetitions of burst, batch and multi (default 3, --quick 1)
  --upstream   pgAgent 4.2's binary (default: $PGAGENT_UPSTREAM_BIN; scripts/bench.sh fetches it)
  --out        directory for the JSON summary and agent logs (default bench-results)`;

export function parseOptions(argv: string[]): BenchOptions {
  let quick = false;
  let only: ScenarioName[] = [...SCENARIOS];
  let measured: Measured[] = [...MEASURED];
  let reps: number | undefined;
  let upstreamBin = process.env.PGAGENT_UPSTREAM_BIN || undefined;
  let outDir = 'bench-results';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const names = <T extends string>(known: readonly T[], what: string): T[] => {
      const list = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = list.filter((n) => !(known as readonly string[]).includes(n));
      if (unknown.length) throw new Error(`unknown ${what} ${unknown.join(', ')}\n${USAGE}`);
      return list as T[];
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = names(SCENARIOS, 'scenario');
    else if (arg === '--agents') measured = names(MEASURED, 'agent');
    else if (arg === '--reps') {
      reps = Number(value());
      if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps takes a positive integer\n${USAGE}`);
    } else if (arg === '--upstream') upstreamBin = value();
    else if (arg === '--out') outDir = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return {
    quick,
    only: new Set(only),
    measured: new Set(measured),
    reps: reps ?? (quick ? 1 : 3),
    upstreamBin,
    outDir: path.resolve(outDir),
  };
}
