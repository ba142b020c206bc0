// The cron property test's reference: a reading of cron expressions written from Vixie cron's
// rules (as pg_cron has them), independent of the SQL compiler, and a minute scan that walks
// wall-clock days and minutes in order and keeps those the rules select. Wall times map to
// instants by pgagent's DST rules (the first instant a wall time happens; a skipped one at
// the end of the gap), through the JavaScript runtime's own zone data (ZoneClock).
import { zoneClock } from './schedule-reference';

/** Vixie's entry: the values of each field, and the flags that decide how the days combine. */
export interface CronEntry {
  minutes: Set<number>;
  hours: Set<number>;
  monthdays: Set<number>;
  months: Set<number>;
  /** 0-6, Sunday 0 (cron's 7 folded onto 0) */
  weekdays: Set<number>;
  /** `$`: the month's last day */
  lastDay: boolean;
  /** The day-of-month field starts with `*` */
  domStar: boolean;
  /** The weekday field starts with `*` */
  dowStar: boolean;
}

/** Why an expression is refused: the field named in the message, or the expression as a whole. */
export type CronRefusal =
  'minute' | 'hour' | 'day-of-month' | 'month' | 'weekday' | 'expression' | 'seconds' | 'reboot';

export type CronReading = { entry: CronEntry } | { refused: CronRefusal };

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  label: CronRefusal;
  low: number;
  high: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { label: 'minute', low: 0, high: 59 },
  { label: 'hour', low: 0, high: 23 },
  { label: 'day-of-month', low: 1, high: 31 },
  { label: 'month', low: 1, high: 12, names: MONTH_NAMES },
  { label: 'weekday', low: 0, high: 7, names: DAY_NAMES },
];

class Refused extends Error {
  constructor(readonly refusal: CronRefusal) {
    super(refusal);
  }
}

const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
};

/** A number or (where the field has names) a name; the first name is the field's low value. */
function readValue(token: string, f: FieldSpec): number {
  if (/^[0-9]+$/.test(token)) {
    const v = Number(token);
    if (v < f.low || v > f.high) throw new Refused(f.label);
    return v;
  }
  const at = f.names ? f.names.indexOf(token.toLowerCase()) : -1;
  if (at < 0) throw new Refused(f.label);
  return f.low + at;
}

/** Reads one item of a field's comma list into its values, character by character. */
function readItem(item: string, f: FieldSpec): number[] {
  let pos = 0;
  const word = (): string => {
    const start = pos;
    while (pos < item.length && /[0-9a-z]/i.test(item[pos])) pos++;
    return item.slice(start, pos);
  };
  let from: number;
  let to: number;
  let isRange = true;
  if (item[pos] === '*') {
    pos++;
    [from, to] = [f.low, f.high];
  } else {
    const first = word();
    if (!first) throw new Refused(f.label);
    from = readValue(first, f);
    to = from;
    isRange = false;
    if (item[pos] === '-') {
      pos++;
      const second = word();
      if (!second) throw new Refused(f.label);
      to = readValue(second, f);
      isRange = true;
      if (to < from) throw new Refused(f.label);
    }
  }
  let step = 1;
  if (item[pos] === '/') {
    pos++;
    const digits = word();
    // Vixie: a step needs a range or `*`; pg_cron: it runs from 1 to the field's top.
    if (!isRange || !/^[0-9]+$/.test(digits)) throw new Refused(f.label);
    step = Number(digits);
    if (step < 1 || step > f.high) throw new Refused(f.label);
  }
  if (pos !== item.length) throw new Refused(f.label);
  return range(from, to, step);
}

function readField(text: string, f: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new Refused(f.label);
    for (const v of readItem(item, f)) values.add(v);
  }
  return values;
}

/** Vixie's macros, by their definitions (not by rewriting them as text). */
function macro(name: string): CronEntry | undefined {
  const every = (f: number) => new Set(range(FIELDS[f].low, FIELDS[f].high));
  const one = (v: number) => new Set([v]);
  const base = { lastDay: false, domStar: false, dowStar: false, weekdays: new Set(range(0, 6)) };
  switch (name) {
    case '@yearly':
    case '@annually':
      return { ...base, minutes: one(0), hours: one(0), monthdays: one(1), months: one(1), dowStar: true };
    case '@monthly':
      return { ...base, minutes: one(0), hours: one(0), monthdays: one(1), months: every(3), dowStar: true };
    case '@weekly':
      return {
        ...base,
        minutes: one(0),
        hours: one(0),
        monthdays: every(2),
        months: every(3),
        weekdays: one(0),
        dowStar: true,
      };
    case '@daily':
    case '@midnight':
      return { ...base, minutes: one(0), hours: one(0), monthdays: every(2), months: every(3) };
    case '@hourly':
      return { ...base, minutes: one(0), hours: every(1), monthdays: every(2), months: every(3) };
    default:
      return undefined;
  }
}

export function readCron(expression: string): CronReading {
  const text = expression.trim();
  if (/^[0-9]+\s*seconds?$/i.test(text)) return { refused: 'seconds' };
  if (text.startsWith('@')) {
    const name = text.toLowerCase();
    if (name === '@reboot' || name === '@restart') return { refused: 'reboot' };
    const entry = macro(name);
    return entry ? { entry } : { refused: 'expression' };
  }
  const parts = text.split(/\s+/);
  if (text === '' || parts.length !== 5) return { refused: 'expression' };
  try {
    const [minutes, hours] = [readField(parts[0], FIELDS[0]), readField(parts[1], FIELDS[1])];
    let monthdays = new Set<number>();
    const lastDay = parts[2] === '$';
    if (!lastDay) {
      if (parts[2].includes('$')) throw new Refused('day-of-month');
      monthdays = readField(parts[2], FIELDS[2]);
    }
    const months = readField(parts[3], FIELDS[3]);
    const weekdays = new Set([...readField(parts[4], FIELDS[4])].map((d) => d % 7));
    return {
      entry: {
        minutes,
        hours,
        monthdays,
        months,
        weekdays,
        lastDay,
        domStar: parts[2][0] === '*',
        dowStar: parts[4][0] === '*',
      },
    };
  } catch (e) {
    if (e instanceof Refused) return { refused: e.refusal };
    throw e;
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Vixie's day rule: both day fields must match if either starts with `*`, else either may. */
export function dayMatches(e: CronEntry, date: Date): boolean {
  const dom = date.getUTCDate();
  const last = new Date(date.getTime() + DAY).getUTCDate() === 1;
  const domMatch = e.monthdays.has(dom) || (e.lastDay && last);
  const dowMatch = e.weekdays.has(date.getUTCDay());
  if (!e.months.has(date.getUTCMonth() + 1)) return false;
  return e.domStar || e.dowStar ? domMatch && dowMatch : domMatch || dowMatch;
}

/**
 * The first `count` runs strictly after `after` (epoch ms) in `zone`, ascending, each instant
 * once, looking at most `horizonDays` wall-clock days ahead; fewer when the horizon ends first.
 */
export function referenceCronRuns(
  e: CronEntry,
  zone: string,
  after: number,
  count: number,
  horizonDays = 45 * 366,
): number[] {
  const clock = zoneClock(zone);
  const runs: number[] = [];
  // Wall times more than two hours before the bound's happen before it (offsets move by less).
  const firstDay = Math.floor((clock.wallAt(after) - 2 * HOUR) / DAY);
  const hours = [...e.hours].sort((a, b) => a - b);
  const minutes = [...e.minutes].sort((a, b) => a - b);
  for (let day = firstDay; day <= firstDay + horizonDays && runs.length < count; day++) {
    if (!dayMatches(e, new Date(day * DAY))) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const run = clock.firstInstant(day * DAY + h * HOUR + m * MINUTE);
        if (run <= after || run <= (runs[runs.length - 1] ?? -Infinity)) continue;
        runs.push(run);
        if (runs.length === count) return runs;
      }
    }
  }
  return runs;
}
