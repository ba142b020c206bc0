// Seeded cron expressions for the compiler's property test: mostly valid ones aimed at the
// edges converters get wrong (weekday 7 and Sunday, day 31 and other days not in every month,
// `$`, names in ranges and lists, steps on ranges and `*`, both day fields restricted), and a
// share of invalid ones (values and steps out of range, backwards ranges, a step on a lone
// value, `$` in a list, stray characters, wrong field counts, @reboot, seconds), and a few
// that can never run (the 30th of February).
import { prng } from '../../scripts/schedule-corpus';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MACROS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
  '@Daily',
  '@HOURLY',
];

export interface CronCase {
  id: number;
  expression: string;
  zone: string;
  /** epoch ms */
  after: number;
}

class Dice {
  constructor(readonly next: () => number) {}
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

interface Field {
  low: number;
  high: number;
  names?: string[];
  /** values worth hitting often */
  edges: number[];
}

const MINUTE: Field = { low: 0, high: 59, edges: [0, 59, 30] };
const HOUR: Field = { low: 0, high: 23, edges: [0, 23, 2, 3] };
const MONTHDAY: Field = { low: 1, high: 31, edges: [1, 28, 29, 30, 31] };
const MONTH: Field = { low: 1, high: 12, names: MONTHS, edges: [1, 2, 12] };
const WEEKDAY: Field = { low: 0, high: 7, names: DAYS, edges: [0, 7, 6, 1] };

function value(d: Dice, f: Field): number {
  return d.chance(0.4) ? d.pick(f.edges) : d.int(f.low, f.high);
}

/** A value as a number or, sometimes, a name in random case (weekday 7 has no name). */
function spell(d: Dice, f: Field, v: number): string {
  const name = f.names?.[v - f.low];
  if (!name || !d.chance(0.4)) return d.chance(0.05) ? `0${v}` : String(v);
  return d.pick([name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1)]);
}

function item(d: Dice, f: Field): string {
  const r = d.next();
  if (r < 0.15) return `*/${d.int(1, f.high)}`;
  if (r < 0.55) return spell(d, f, value(d, f));
  const a = value(d, f);
  const b = d.int(a, f.high);
  const text = `${spell(d, f, a)}-${spell(d, f, b)}`;
  return d.chance(0.3) ? `${text}/${d.int(1, f.high)}` : text;
}

/** A valid field: `*` or a comma list of 1-3 items. */
function field(d: Dice, f: Field, star: number): string {
  if (d.chance(star)) return '*';
  return Array.from({ length: d.chance(0.7) ? 1 : d.int(2, 3) }, () => item(d, f)).join(',');
}

/** One way of breaking a field. */
function broken(d: Dice, f: Field): string {
  switch (d.int(0, 7)) {
    case 0:
      return String(f.high + d.int(1, 40));
    case 1:
      return `*/${d.pick([0, f.high + 1, f.high + 7])}`;
    case 2:
      return `${f.high}-${f.low}`; // backwards
    case 3:
      return `${value(d, f)}/${d.int(1, 9)}`; // a step on a lone value
    case 4:
      return `${value(d, f)},`; // empty item
    case 5:
      return `${value(d, f)}x`;
    case 6:
      return d.pick(['$', '1,$', '?', 'L', '*-5', '5-']);
    default:
      return f.names ? 'foo' : 'jan';
  }
}

function expression(d: Dice): string {
  if (d.chance(0.04)) return d.pick(MACROS);
  if (d.chance(0.02))
    return d.pick(['@reboot', '@restart', '30 seconds', '1 second', '59seconds', '@every', '@yearly 1']);
  // Days that no chosen month has: such a job never runs (with `*` weekdays; a restricted
  // weekday would OR in its own days).
  if (d.chance(0.01))
    return `${field(d, MINUTE, 0)} ${field(d, HOUR, 0)} ${d.pick(['30', '31', '30,31'])} ${d.pick(['2', 'feb', 'Feb'])} *`;
  const fields = [
    field(d, MINUTE, 0.05),
    field(d, HOUR, 0.25),
    d.chance(0.08) ? '$' : field(d, MONTHDAY, 0.5),
    field(d, MONTH, 0.6),
    field(d, WEEKDAY, 0.5),
  ];
  if (d.chance(0.12)) {
    const k = d.int(0, 4);
    fields[k] = broken(d, [MINUTE, HOUR, MONTHDAY, MONTH, WEEKDAY][k]);
  }
  if (d.chance(0.01)) fields.splice(d.int(0, 4), 1); // four fields
  if (d.chance(0.01)) fields.push('*'); // six
  return fields.join(d.chance(0.05) ? ' \t ' : ' ');
}

const EPOCH_2027 = Date.UTC(2027, 0, 1);
const YEAR = 365.25 * 24 * 3600_000;

/** `count` cases from `seed`: the same seed gives the same cases everywhere. */
export function generateCronCorpus(seed: number, count: number, zones: string[]): CronCase[] {
  const d = new Dice(prng(seed));
  return Array.from({ length: count }, (_, id) => ({
    id,
    expression: expression(d),
    zone: d.pick(zones),
    // anywhere in 30 years from 2027, on a whole minute or not, often near a DST change
    after: d.chance(0.3)
      ? Date.UTC(d.int(2027, 2056), d.pick([2, 9, 10]), d.int(1, 31), d.int(0, 3), d.int(0, 59))
      : EPOCH_2027 + Math.floor(d.next() * 30 * YEAR),
  }));
}
