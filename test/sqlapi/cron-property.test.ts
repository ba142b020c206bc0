// Property test: cron expressions compiled by pgagent.schedule() run when an independent
// reading of Vixie cron's rules says they should (test/helpers/cron-reference.ts), in UTC and
// two DST zones, and are refused exactly when the reference refuses them, naming the same
// field. A failure prints the seed; replay it with PGAGENT_CRON_SEED=<seed> (and
// PGAGENT_CRON_CASES=<n> for another size).
import type { Client } from 'pg';
import { corpusSeed } from '../../scripts/schedule-corpus';
import { CronRefusal, readCron, referenceCronRuns } from '../helpers/cron-reference';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { CronCase, generateCronCorpus } from './cron-corpus';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const CASES = Number(process.env.PGAGENT_CRON_CASES ?? 3000);
const RUNS = 6;
const seed = corpusSeed('PGAGENT_CRON_SEED');

// Each case in its own subtransaction, so a refused expression is an answer, not an abort.
// Besides the runs, each compiled schedule's cron_expression() must compile back to the
// same arrays (or be NULL, which only a schedule that ANDs two restricted day fields may be).
const CREATE_RUNNER = `
  CREATE FUNCTION pg_temp.cron_cases(expressions text[], zones text[], afters timestamptz[], n int4)
  RETURNS TABLE (i int4, runs timestamptz[], error text, round_trip_failures int4, inexpressible int4)
  LANGUAGE plpgsql AS $$
  DECLARE
      job int4;
  BEGIN
      FOR k IN 1 .. cardinality(expressions) LOOP
          i := k - 1;
          runs := NULL;
          error := NULL;
          round_trip_failures := NULL;
          inexpressible := NULL;
          BEGIN
              job := pgagent.schedule('cron case ' || k, expressions[k], 'SELECT 1');
              PERFORM pgagent.alter_job(job, time_zone => zones[k]);
              runs := ARRAY(SELECT pgagent.next_runs(job, n, afters[k]));
              SELECT count(*) FILTER (WHERE t.text IS NOT NULL AND NOT EXISTS (
                         SELECT FROM pgagent.pga_cron_compile(t.text) c
                          WHERE pgagent.pga_selection(c.minutes, 60) = pgagent.pga_selection(s.jscminutes, 60)
                            AND pgagent.pga_selection(c.hours, 24) = pgagent.pga_selection(s.jschours, 24)
                            AND pgagent.pga_selection(c.weekdays, 7) = pgagent.pga_selection(s.jscweekdays, 7)
                            AND pgagent.pga_selection(c.monthdays, 32) = pgagent.pga_selection(s.jscmonthdays, 32)
                            AND pgagent.pga_selection(c.months, 12) = pgagent.pga_selection(s.jscmonths, 12))),
                     count(*) FILTER (WHERE t.text IS NULL AND NOT (s.jscweekdays @> '{f}' AND s.jscmonthdays[1:31] @> '{f}'))
                INTO round_trip_failures, inexpressible
                FROM pgagent.pga_schedule s, LATERAL (SELECT pgagent.cron_expression(s.jscid) AS text) t
               WHERE s.jscjobid = job;
          EXCEPTION WHEN invalid_parameter_value OR feature_not_supported THEN
              error := SQLERRM;
          END;
          RETURN NEXT;
      END LOOP;
  END
  $$`;

/** Which refusal an error message is: the field it names, or the kind of expression refused. */
function refusalOf(message: string): CronRefusal | string {
  const field = /^(minute|hour|day-of-month|month|weekday) field: /.exec(message);
  if (field) return field[1];
  if (/cannot be scheduled: pgagent runs jobs on whole minutes/.test(message)) return 'seconds';
  if (/cannot be scheduled: .*when the server starts/.test(message)) return 'reboot';
  if (/^cron expression .*(fields; it needs 5|unknown macro)|^cron expression is empty/.test(message))
    return 'expression';
  return message;
}

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
  await client.query(CREATE_RUNNER);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const iso = (ms: number) => new Date(ms).toISOString();

interface Row {
  i: number;
  runs: Date[] | null;
  error: string | null;
  round_trip_failures: number | null;
  inexpressible: number | null;
}

async function sqlAnswers(cases: CronCase[]): Promise<Row[]> {
  await client.query('BEGIN');
  try {
    const r = await client.query<Row>('SELECT * FROM pg_temp.cron_cases($1, $2, $3, $4)', [
      cases.map((c) => c.expression),
      cases.map((c) => c.zone),
      cases.map((c) => new Date(c.after)),
      RUNS,
    ]);
    return r.rows;
  } finally {
    await client.query('ROLLBACK');
  }
}

test(`${CASES} generated cron expressions run as Vixie cron's rules say (seed ${seed}; replay with PGAGENT_CRON_SEED=${seed})`, async () => {
  const cases = generateCronCorpus(seed, CASES, ZONES);
  const rows: Row[] = [];
  for (let k = 0; k < cases.length; k += 500)
    rows.push(...(await sqlAnswers(cases.slice(k, k + 500))).map((r) => ({ ...r, i: r.i + k })));
  const mismatches: unknown[] = [];
  const seen = { runs: 0, refused: 0, never: 0, split: 0, roundTrips: 0 };
  // The edges converters get wrong, among the compared (accepted) expressions.
  const edges = { weekday7: 0, day31: 0, lastDay: 0, namesInRanges: 0 };
  for (const c of cases) {
    const row = rows[c.id];
    const reading = readCron(c.expression);
    const show = { expression: c.expression, zone: c.zone, after: iso(c.after) };
    if ('refused' in reading) {
      seen.refused++;
      const actual = row.error === null ? 'accepted' : refusalOf(row.error);
      if (actual !== reading.refused)
        mismatches.push({
          ...show,
          expected: `refused (${reading.refused})`,
          actual: row.error ?? 'accepted',
        });
      continue;
    }
    if (row.error !== null) {
      mismatches.push({ ...show, expected: 'accepted', actual: row.error });
      continue;
    }
    const expected = referenceCronRuns(reading.entry, c.zone, c.after, RUNS).map(iso);
    const actual = (row.runs ?? []).map((d) => d.toISOString());
    // The reference looks 45 years ahead; runs beyond that it cannot confirm, so only its
    // runs are compared when it found fewer than asked for (and none may be missing).
    const agree =
      expected.length === RUNS
        ? actual.join() === expected.join()
        : actual.slice(0, expected.length).join() === expected.join() &&
          actual.slice(expected.length).every((t) => Date.parse(t) > c.after + 45 * 365 * 24 * 3600_000);
    if (!agree) mismatches.push({ ...show, expected, actual });
    if (row.round_trip_failures !== 0 || row.inexpressible !== 0) {
      mismatches.push({
        ...show,
        roundTripFailures: row.round_trip_failures,
        inexpressible: row.inexpressible,
      });
    }
    seen[expected.length === 0 ? 'never' : 'runs']++;
    const fields = c.expression.trim().split(/\s+/);
    if (fields.length === 5) {
      if (/(^|[,-])0*7($|[,/-])/.test(fields[4])) edges.weekday7++;
      if (/(^|[,-])31($|[,/-])/.test(fields[2])) edges.day31++;
      if (fields[2] === '$') edges.lastDay++;
      if (/[a-z]-|-[a-z]/i.test(`${fields[3]} ${fields[4]}`)) edges.namesInRanges++;
    }
    if (!reading.entry.domStar && !reading.entry.dowStar) seen.split++;
    seen.roundTrips++;
  }
  expect({ seed, mismatches: mismatches.length, first: mismatches.slice(0, 3) }).toEqual({
    seed,
    mismatches: 0,
    first: [],
  });
  // The corpus must exercise every outcome, or the comparison proves little.
  expect(seen.runs).toBeGreaterThan(CASES / 2);
  expect(seen.refused).toBeGreaterThan(CASES / 20);
  expect(seen.split).toBeGreaterThan(CASES / 10);
  expect(seen.never).toBeGreaterThan(0);
  for (const count of Object.values(edges)) expect(count).toBeGreaterThan(CASES / 100);
  console.log(`cron property test, seed ${seed}: ${CASES} cases, ${JSON.stringify({ ...seen, ...edges })}`);
}, 600_000);
