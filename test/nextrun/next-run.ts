// Calls pga_next_schedule_after with readable arguments, for the example-based tests.
import type { Client } from 'pg';

export interface Fields {
  minutes?: number[];
  hours?: number[];
  weekdays?: number[]; // 1 = Sunday, as the array index
  monthdays?: number[]; // 32 = last day
  months?: number[]; // 1 = January
}

/** A selection array of n elements with the given values (0-based minutes and hours, 1-based otherwise) set. */
export function bits(n: number, values: number[] = [], firstValue = 1): boolean[] {
  return Array.from({ length: n }, (_, i) => values.includes(i + firstValue));
}

export function fieldArrays(f: Fields): boolean[][] {
  return [
    bits(60, f.minutes, 0),
    bits(24, f.hours, 0),
    bits(7, f.weekdays),
    bits(32, f.monthdays),
    bits(12, f.months),
  ];
}

/** The next run after `after` as an ISO string in UTC, or null. */
export async function nextRun(
  client: Client,
  after: string,
  f: Fields,
  opts: { zone?: string | null; start?: string; end?: string | null; scheduleId?: number } = {},
): Promise<string | null> {
  const r = await client.query<{ run: Date | null }>(
    'SELECT pgagent.pga_next_schedule_after($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS run',
    [
      after,
      opts.scheduleId ?? 0,
      opts.start ?? '2000-01-01 00:00Z',
      opts.end ?? null,
      ...fieldArrays(f),
      opts.zone === undefined ? 'UTC' : opts.zone,
    ],
  );
  return r.rows[0].run && r.rows[0].run.toISOString();
}
