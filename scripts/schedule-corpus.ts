// Seeded corpus of next-run cases, shared by the property tests (test/nextrun) and the
// benchmark (scripts/bench-nextrun.ts): schedules with an "after" instant and a time zone,
// aimed at the hard spots (DST changes, month and year ends, leap days, last-day flags,
// weekday and day-of-month mixes, exceptions, impossible dates), plus how to run a batch of
// them through pgagent.pga_next_schedule_after in one query.
import type { Client } from 'pg';

/** One element per selectable value (index 0 = the first value); null = a NULL array. */
export type Selection = (boolean | null)[] | null;

export interface Exception {
  /** 'YYYY-MM-DD' or null (every date) */
  date: string | null;
  /** 'HH:MM:SS' or null (the whole date) */
  time: string | null;
}

export interface ScheduleCase {
  id: number;
  zone: string;
  /** Instants as epoch milliseconds. */
  after: number;
  start: number | null;
  end: number | null;
  minutes: Selection;
  hours: Selection;
  weekdays: Selection;
  monthdays: Selection;
  months: Selection;
  exceptions: Exception[];
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

class Dice {
  constructor(
    readonly next: () => number,
    /** Arrays as pgAdmin writes them: exactly n elements, no NULLs. */
    readonly wellFormed = false,
  ) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** A selection of n values with exactly the given (0-based) values set, in a random array shape. */
function selection(d: Dice, n: number, values: number[]): Selection {
  const arr: (boolean | null)[] = Array.from({ length: n }, (_, i) => values.includes(i));
  if (d.wellFormed) return arr;
  if (d.chance(0.1)) arr.forEach((v, i) => !v && d.chance(0.3) && (arr[i] = null)); // NULL elements
  if (d.chance(0.05)) arr.push(d.chance(0.5), true); // extra elements past n are ignored
  if (d.chance(0.05)) {
    // a short array: trailing values missing (select nothing there)
    const keep = Math.max(...values, -1) + 1;
    arr.length = d.int(keep, n);
  }
  return arr;
}

function anySelection(d: Dice, n: number): Selection {
  if (d.wellFormed) return Array.from({ length: n }, () => false);
  return d.pick([null, [], Array.from({ length: n }, () => false), Array.from({ length: n }, () => false)]);
}

function someValues(d: Dice, n: number, from = 0): number[] {
  const mode = d.int(0, 3);
  if (mode === 0) return [d.int(from, n - 1)]; // single bit
  const density = mode === 1 ? 0.1 : mode === 2 ? 0.5 : 0.9; // sparse, half, dense
  const values = [];
  for (let i = from; i < n; i++) if (d.chance(density)) values.push(i);
  return values.length ? values : [d.int(from, n - 1)];
}

function field(d: Dice, n: number, pAny: number): Selection {
  return d.chance(pAny) ? anySelection(d, n) : selection(d, n, someValues(d, n));
}

/** Day-of-month selections (index 31 = last day), including the awkward ones. */
function monthdaysField(d: Dice): { monthdays: Selection; months?: Selection } {
  const kind = d.int(0, 9);
  switch (kind) {
    case 0:
      return { monthdays: selection(d, 32, [31]) }; // last day only
    case 1:
      return { monthdays: selection(d, 32, [31, ...someValues(d, 31)]) }; // last day + others
    case 2:
      return { monthdays: selection(d, 32, [28]), months: selection(d, 12, [1]) }; // Feb 29
    case 3: {
      // impossible: Feb 30/31, or the 31st in 30-day months (sometimes with Feb 29 added: possible)
      const impossible = d.pick([
        { days: [29], months: [1] },
        { days: [29, 30], months: [1] },
        { days: [30], months: [3] },
        { days: [30], months: [1, 3, 5, 8, 10] },
      ]);
      const days = d.chance(0.2) ? [...impossible.days, 28] : impossible.days;
      return { monthdays: selection(d, 32, days), months: selection(d, 12, impossible.months) };
    }
    case 4:
      return { monthdays: selection(d, 32, [d.int(27, 30)]) }; // days that not every month has
    case 5:
      return { monthdays: selection(d, 32, [12]) }; // with a weekday: Friday the 13th and friends
    default:
      return { monthdays: field(d, 32, 0.6) };
  }
}

/** Instants at which the zone's offset changes in a year (rules in force since 2007). */
function dstChanges(zone: string, year: number): number[] {
  const nthSunday = (month: number, n: number): number => {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (n - 1);
  };
  const lastSunday = (month: number): number => {
    const last = new Date(Date.UTC(year, month, 0));
    return last.getUTCDate() - last.getUTCDay();
  };
  if (zone === 'Europe/Berlin') {
    return [Date.UTC(year, 2, lastSunday(3), 1), Date.UTC(year, 9, lastSunday(10), 1)];
  }
  if (zone === 'America/New_York') {
    return [Date.UTC(year, 2, nthSunday(3, 2), 7), Date.UTC(year, 10, nthSunday(11, 1), 6)];
  }
  return [];
}

/** The "after" instant: random, near a DST change, a month or year end, or a leap day. */
function afterInstant(d: Dice, zone: string): { after: number; nearDst: boolean } {
  const year = d.int(2001, 2058);
  const jitter = (span: number) => d.int(-span, span) * MINUTE + (d.chance(0.5) ? d.int(0, 59_999) : 0);
  const changes = dstChanges(zone, year);
  const kind = d.int(0, 9);
  if (changes.length && kind < 4) return { after: d.pick(changes) + jitter(150), nearDst: true };
  if (kind < 6) return { after: Date.UTC(year, d.int(0, 11) + 1, 1) + jitter(30 * 60), nearDst: false }; // month end
  if (kind < 7)
    return {
      after: Date.UTC(d.pick([2000, 2023, 2024, 2100, 2096]), 2, 1) + jitter(3 * 24 * 60),
      nearDst: false,
    };
  if (kind < 8) return { after: Date.UTC(year + 1, 0, 1) + jitter(24 * 60), nearDst: false }; // year end
  return { after: Date.UTC(year, 0, 1) + d.next() * 365 * DAY, nearDst: false };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function selectedValues(sel: Selection, n: number): number[] {
  const set = (sel ?? []).slice(0, n).flatMap((v, i) => (v === true ? [i] : []));
  return set.length ? set : Array.from({ length: n }, (_, i) => i);
}

/** Exceptions of all three kinds, mostly on dates and times the schedule would otherwise hit. */
function exceptionsFor(d: Dice, c: Omit<ScheduleCase, 'exceptions'>): Exception[] {
  if (!d.chance(0.3)) return [];
  const hours = selectedValues(c.hours, 24);
  const minutes = selectedValues(c.minutes, 60);
  const time = () =>
    `${pad(d.pick(hours))}:${pad(d.pick(minutes))}:${d.chance(0.05) ? pad(d.int(1, 59)) : '00'}`;
  const date = () => isoDate(c.after + d.int(-1, 40) * DAY);
  const out = new Map<string, Exception>();
  const count = d.int(1, 5);
  for (let i = 0; i < count; i++) {
    const e = d.pick<() => Exception>([
      () => ({ date: date(), time: null }),
      () => ({ date: null, time: time() }),
      () => ({ date: date(), time: time() }),
    ])();
    out.set(`${e.date}|${e.time}`, e);
  }
  // Sometimes exclude every selected time, which makes the schedule never run.
  if (hours.length * minutes.length <= 3 && d.chance(0.3)) {
    for (const h of hours) {
      for (const m of minutes)
        out.set(`null|${pad(h)}:${pad(m)}:00`, { date: null, time: `${pad(h)}:${pad(m)}:00` });
    }
  }
  return [...out.values()];
}

/**
 * `count` cases in the given zones, the same for the same seed. `wellFormed` keeps the arrays
 * to the shape pgAdmin writes (for comparing with pgAgent 4.2, which misbehaves on others).
 */
export function generateCorpus(
  seed: number,
  count: number,
  zones: readonly string[],
  wellFormed = false,
): ScheduleCase[] {
  const d = new Dice(prng(seed), wellFormed);
  const cases: ScheduleCase[] = [];
  for (let id = 1; id <= count; id++) {
    const zone = d.pick(zones);
    const { after, nearDst } = afterInstant(d, zone);
    const days = monthdaysField(d);
    const base = {
      id,
      zone,
      after,
      start: d.chance(0.02)
        ? null
        : d.chance(0.8)
          ? after - d.int(0, 3 * 365) * DAY - d.int(0, DAY)
          : after +
            d.pick([d.int(1, 120) * MINUTE, d.int(1, 90) * DAY, d.int(1, 5 * 365) * DAY]) +
            (d.chance(0.3) ? d.int(1, 59_999) : 0),
      end: null as number | null,
      // near a DST change, mostly the hours around it (local 01:00-03:59)
      minutes: field(d, 60, 0.25),
      hours: nearDst && d.chance(0.7) ? selection(d, 24, someValues(d, 4, 1)) : field(d, 24, 0.4),
      weekdays: field(d, 7, 0.6),
      monthdays: days.monthdays,
      months: days.months ?? field(d, 12, 0.7),
    };
    if (d.chance(0.25)) {
      base.end =
        after +
        d.pick([-d.int(1, 1000) * MINUTE, d.int(0, 600) * MINUTE, d.int(1, 60) * DAY, d.int(1, 3000) * DAY]);
    }
    cases.push({ ...base, exceptions: exceptionsFor(d, base) });
  }
  return cases;
}

/** A seed from the environment (to replay a failure) or a fresh one. */
export function corpusSeed(envName = 'PGAGENT_NEXTRUN_SEED'): number {
  const given = process.env[envName];
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/**
 * Stores the cases' exceptions in the database (under one disabled job, one schedule per
 * case that has any) and returns each case's schedule id (0 = no exceptions).
 */
export async function storeExceptions(client: Client, cases: ScheduleCase[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>(cases.map((c) => [c.id, 0]));
  const withExceptions = cases.filter((c) => c.exceptions.length);
  if (!withExceptions.length) return ids;
  const job = await client.query<{ jobid: number }>(
    `INSERT INTO pgagent.pga_job (jobjclid, jobname, jobenabled)
     SELECT jclid, 'next-run corpus', false FROM pgagent.pga_jobclass ORDER BY jclid LIMIT 1 RETURNING jobid`,
  );
  const schedules = await client.query<{ jscid: number; jscname: string }>(
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname)
     SELECT $1, name FROM unnest($2::text[]) AS name RETURNING jscid, jscname`,
    [job.rows[0].jobid, withExceptions.map((c) => String(c.id))],
  );
  for (const r of schedules.rows) ids.set(Number(r.jscname), r.jscid);
  const rows = withExceptions.flatMap((c) =>
    c.exceptions.map((e) => ({ jscid: ids.get(c.id), date: e.date, time: e.time })),
  );
  await client.query(
    `INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime)
     SELECT jscid, date, time FROM jsonb_to_recordset($1::jsonb) AS e(jscid int4, date date, "time" time)`,
    [JSON.stringify(rows)],
  );
  return ids;
}

/** The cases as rows for jsonb_to_recordset (NEXT_RUN_COLUMNS). */
export function caseRecords(cases: ScheduleCase[], scheduleIds: Map<number, number>): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return JSON.stringify(
    cases.map((c) => ({
      id: c.id,
      zone: c.zone,
      after: iso(c.after),
      jscid: scheduleIds.get(c.id) ?? 0,
      jscstart: iso(c.start),
      jscend: iso(c.end),
      minutes: c.minutes,
      hours: c.hours,
      weekdays: c.weekdays,
      monthdays: c.monthdays,
      months: c.months,
    })),
  );
}

/** The column list that caseRecords() rows are read with. */
export const CASE_COLUMNS = `id int4, zone text, after timestamptz, jscid int4, jscstart timestamptz, jscend timestamptz,
  minutes bool[], hours bool[], weekdays bool[], monthdays bool[], months bool[]`;

/** Computes every case's next run in one query; returns epoch ms or null by case id. */
export async function sqlNextRuns(
  client: Client,
  cases: ScheduleCase[],
  scheduleIds: Map<number, number>,
): Promise<Map<number, number | null>> {
  const result = await client.query<{ id: number; run: number | null }>(
    `SELECT c.id, extract(epoch FROM pgagent.pga_next_schedule_after(c.after, c.jscid, c.jscstart, c.jscend,
              c.minutes, c.hours, c.weekdays, c.monthdays, c.months, c.zone))::float8 * 1000 AS run
       FROM jsonb_to_recordset($1::jsonb) AS c(${CASE_COLUMNS})`,
    [caseRecords(cases, scheduleIds)],
  );
  return new Map(result.rows.map((r) => [r.id, r.run === null ? null : Number(r.run)]));
}
