// Property test: pga_next_schedule_after agrees with the naive reference on thousands of
// seeded schedules in UTC and two DST zones. A failure prints the seed; replay it with
// PGAGENT_NEXTRUN_SEED=<seed> (and PGAGENT_NEXTRUN_CASES=<n> for another size).
import type { Client } from 'pg';
import {
  corpusSeed,
  generateCorpus,
  ScheduleCase,
  sqlNextRuns,
  storeExceptions,
} from '../../scripts/schedule-corpus';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { ReferenceRun, referenceNextRun } from '../helpers/schedule-reference';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const CASES = Number(process.env.PGAGENT_NEXTRUN_CASES ?? 6000);
const seed = corpusSeed();

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const iso = (ms: number | null | undefined | 'horizon') =>
  typeof ms === 'number' ? new Date(ms).toISOString() : ms;

function describeCase(c: ScheduleCase, expected: ReferenceRun, actual: number | null | undefined) {
  return {
    ...c,
    after: iso(c.after),
    start: iso(c.start),
    end: iso(c.end),
    expected: iso(expected),
    actual: iso(actual),
  };
}

async function compare(cases: ScheduleCase[]) {
  const runs = await sqlNextRuns(client, cases, await storeExceptions(client, cases));
  const mismatches = [];
  const seen = { runs: 0, none: 0, horizon: 0 };
  for (const c of cases) {
    const expected = referenceNextRun(c);
    const actual = runs.get(c.id);
    if (expected === 'horizon' ? actual !== null : expected !== actual)
      mismatches.push(describeCase(c, expected, actual));
    seen[expected === 'horizon' ? 'horizon' : expected === null ? 'none' : 'runs']++;
  }
  expect({ mismatches: mismatches.length, first: mismatches.slice(0, 3) }).toEqual({
    mismatches: 0,
    first: [],
  });
  return seen;
}

test(`${CASES} generated schedules agree with the reference (seed ${seed}; replay with PGAGENT_NEXTRUN_SEED=${seed})`, async () => {
  const seen = await compare(generateCorpus(seed, CASES, ZONES));
  // The corpus must exercise every outcome, or the comparison proves little.
  expect(seen.runs).toBeGreaterThan(CASES / 2);
  expect(seen.none).toBeGreaterThan(CASES / 50);
  expect(seen.horizon).toBeGreaterThan(CASES / 100);
});

// The benchmark's corpus: arrays as pgAdmin writes them.
test(`${Math.ceil(CASES / 3)} pgAdmin-shaped schedules agree with the reference (seed ${seed})`, async () => {
  await compare(generateCorpus(seed, Math.ceil(CASES / 3), ZONES, true));
});
