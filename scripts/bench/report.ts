// Console lines as the bench goes, and the machine-readable summary written at the end.
import * as fs from 'fs';
import * as path from 'path';
import { Quantiles, Spread } from './stats';

export class Report {
  private readonly results: Record<string, unknown> = {};
  private readonly lines: string[] = [];

  line(text: string): void {
    this.lines.push(text);
    console.log(text);
  }

  record(scenario: string, data: unknown): void {
    this.results[scenario] = data;
  }

  /** What a scenario that ran earlier in this bench recorded. */
  result(scenario: string): unknown {
    return this.results[scenario];
  }

  /** Writes the JSON summary into dir; returns its path. */
  write(dir: string, meta: Record<string, unknown>): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-${String(meta.startedAt).replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ ...meta, results: this.results, lines: this.lines }, null, 2) + '\n',
    );
    return file;
  }
}

export function num(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** "median (min..max)", or just the value when all repetitions agree. */
export function fmtSpread(s: Spread, digits = 2, unit = ''): string {
  if (s.n === 0) return '-';
  if (num(s.min, digits) === num(s.max, digits)) return `${num(s.median, digits)}${unit}`;
  return `${num(s.median, digits)}${unit} (${num(s.min, digits)}..${num(s.max, digits)})`;
}

export function fmtQuantiles(q: Quantiles, digits = 3): string {
  return `median ${num(q.median, digits)} s, p90 ${num(q.p90, digits)} s, p99 ${num(q.p99, digits)} s, max ${num(q.max, digits)} s (n=${q.n})`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '-';
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`; // 0.0034x, not 0.00x
}

/** Left-aligns the agent/config label so lines of one scenario line up. */
export function label(text: string, width = 26): string {
  return text.padEnd(width);
}

/** "ours/upstream: a 0.50x, b 1.20x" for the metrics both agents have. */
export function ratioLine(
  metrics: Array<[name: string, ours: number | undefined, upstream: number | undefined]>,
): string | undefined {
  const parts = metrics
    .filter(
      ([, o, u]) => o !== undefined && u !== undefined && Number.isFinite(o) && Number.isFinite(u) && u !== 0,
    )
    .map(([name, o, u]) => `${name} ${fmtRatio((o as number) / (u as number))}`);
  return parts.length ? `${''.padEnd(4)}ours/upstream: ${parts.join(', ')}` : undefined;
}
