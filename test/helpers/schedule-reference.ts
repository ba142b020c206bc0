// The property tests' reference for a schedule's next run: deliberately naive and independent
// of the SQL. It walks wall-clock days and minutes in order, checks each minute against the
// schedule as its definition reads, and maps the first one that qualifies to the instant at
// which that wall time first happens, using the JavaScript runtime's own time-zone data
// (Intl), not PostgreSQL's.
import type { ScheduleCase, Selection } from '../../scripts/schedule-corpus';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A zone's UTC offsets between two years, as segments of constant offset, read from Intl. */
export class ZoneClock {
  private readonly starts: number[] = [-Infinity];
  private readonly offsets: number[] = [];
  private readonly format: Intl.DateTimeFormat;

  constructor(zone: string, fromYear = 1995, toYear = 2125) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Offsets change months apart, so weekly samples see every change; each is then found
    // to the second by bisection.
    const step = 7 * DAY;
    let t = Date.UTC(fromYear, 0, 1);
    let offset = this.intlOffset(t);
    this.offsets.push(offset);
    for (const end = Date.UTC(toYear, 0, 1); t < end; t += step) {
      const next = this.intlOffset(t + step);
      if (next === offset) continue;
      let lo = t;
      let hi = t + step;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (this.intlOffset(mid) === offset) lo = mid;
        else hi = mid;
      }
      this.starts.push(hi);
      this.offsets.push(next);
      offset = next;
    }
  }

  private intlOffset(instant: number): number {
    const p = Object.fromEntries(
      this.format.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]),
    );
    return (
      Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000
    );
  }

  private segment(instant: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= instant) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The wall-clock time at an instant, as epoch ms of the same fields in UTC. */
  wallAt(instant: number): number {
    return instant + this.offsets[this.segment(instant)];
  }

  /** The first instant at which the wall clock shows `wall` or later. */
  firstInstant(wall: number): number {
    let best = Infinity;
    // Offsets stay within ±15 hours, so only segments around wall - 15h .. wall + 15h matter.
    for (
      let k = this.segment(wall - 15 * HOUR);
      k < this.starts.length && this.starts[k] <= wall + 15 * HOUR;
      k++
    ) {
      const end = k + 1 < this.starts.length ? this.starts[k + 1] : Infinity;
      const candidate = Math.max(this.starts[k], wall - this.offsets[k]);
      if (candidate < end) best = Math.min(best, candidate);
    }
    return best;
  }
}

const clocks = new Map<string, ZoneClock>();
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) clocks.set(zone, (clock = new ZoneClock(zone)));
  return clock;
}

/** Value k (0-based) of n is selected at index k; nothing selected means everything is. */
function selection(sel: Selection, n: number): boolean[] {
  const values = Array.from({ length: n }, (_, k) => (sel ?? [])[k] === true);
  return values.includes(true) ? values : values.map(() => true);
}

function monthLength(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** What the reference says: the run (epoch ms), null (none), or 'horizon' (none within it). */
export type ReferenceRun = number | null | 'horizon';

/** The next run of a case, looking at most `horizonDays` days of wall-clock dates ahead. */
export function referenceNextRun(c: ScheduleCase, horizonDays = 45 * 366): ReferenceRun {
  if (c.start === null) return null;
  const start = c.start;
  const clock = zoneClock(c.zone);
  const [minutes, hours, weekdays, monthdays, months] = [
    selection(c.minutes, 60),
    selection(c.hours, 24),
    selection(c.weekdays, 7),
    selection(c.monthdays, 32),
    selection(c.months, 12),
  ];
  const excluded = new Set(c.exceptions.map((e) => `${e.date} ${e.time}`));
  // Wall times more than two hours before the bound's happen before it (offsets move by less).
  const firstWall = clock.wallAt(Math.max(c.after, start)) - 2 * HOUR;
  const firstDay = Math.floor(firstWall / DAY);
  // A wall time two days past the end's wall time happens after the end.
  const lastDay = c.end === null ? Infinity : Math.floor(clock.wallAt(c.end) / DAY) + 2;
  // The calendar is stepped by hand: a Date per day is too slow for 45-year horizons.
  const first = new Date(firstDay * DAY);
  let [year, month, dom, weekday] = [
    first.getUTCFullYear(),
    first.getUTCMonth(),
    first.getUTCDate(),
    first.getUTCDay(),
  ];
  for (let day = firstDay; day <= firstDay + horizonDays; day++, dom++, weekday = (weekday + 1) % 7) {
    if (dom > monthLength(year, month)) {
      [dom, month] = [1, month + 1];
      if (month === 12) [month, year] = [0, year + 1];
    }
    if (day > lastDay) return null;
    const isLastDay = dom === monthLength(year, month);
    if (!months[month] || !(monthdays[dom - 1] || (isLastDay && monthdays[31])) || !weekdays[weekday])
      continue;
    const dateText = new Date(day * DAY).toISOString().slice(0, 10);
    if (excluded.has(`${dateText} null`)) continue;
    for (let h = 0; h < 24; h++) {
      if (!hours[h]) continue;
      for (let m = 0; m < 60; m++) {
        const wall = day * DAY + h * HOUR + m * MINUTE;
        if (!minutes[m] || wall < firstWall) continue;
        const time = `${pad(h)}:${pad(m)}:00`;
        if (excluded.has(`null ${time}`) || excluded.has(`${dateText} ${time}`)) continue;
        const run = clock.firstInstant(wall);
        if (run <= c.after || run < start) continue;
        return c.end !== null && run > c.end ? null : run;
      }
    }
  }
  return 'horizon';
}
