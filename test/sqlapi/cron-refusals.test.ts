// Every way the cron compiler refuses an expression, with the message a user sees: the field
// and the problem, or why pgagent cannot express it at all.
import { Client, DatabaseError } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';

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

async function refusal(expression: string): Promise<{ message: string; hint?: string }> {
  try {
    await client.query("SELECT pgagent.schedule('refused', $1, 'SELECT 1')", [expression]);
  } catch (e) {
    const err = e as DatabaseError;
    if (!err.code) throw e;
    return err.hint ? { message: err.message, hint: err.hint } : { message: err.message };
  }
  throw new Error(`accepted: ${expression}`);
}

test.each([
  ['61 * * * *', 'minute field: 61 is out of range 0-59'],
  ['0 24 * * *', 'hour field: 24 is out of range 0-23'],
  ['0 0 0 * *', 'day-of-month field: 0 is out of range 1-31'],
  ['0 0 32 * *', 'day-of-month field: 32 is out of range 1-31'],
  ['0 0 * 13 *', 'month field: 13 is out of range 1-12'],
  ['0 0 * * 8', 'weekday field: 8 is out of range 0-7'],
  ['*/0 * * * *', 'minute field: step 0 is out of range 1-59'],
  ['*/60 * * * *', 'minute field: step 60 is out of range 1-59'],
  ['0 0 * * */8', 'weekday field: step 8 is out of range 1-7'],
  ['1,,2 * * * *', 'minute field: empty item in list "1,,2"'],
  ['5x * * * *', 'minute field: "5x" is not a number'],
  ['mon * * * *', 'minute field: "mon" is not a number'],
  [
    '0 0 * foo *',
    'month field: "foo" is not a number or a month name (jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec)',
  ],
  [
    '0 0 * * funday',
    'weekday field: "funday" is not a number or a weekday name (sun, mon, tue, wed, thu, fri, sat)',
  ],
  ['0 0 L * *', 'day-of-month field: "L" is not a number'],
  ['0 0 ? * *', 'day-of-month field: "?" is not a value, a range or a step'],
  ['*-5 * * * *', 'minute field: "*-5" is not a value, a range or a step'],
  ['0 0 1,$ * *', 'day-of-month field: $ (the last day of the month) must stand alone, not in "1,$"'],
  ['$ * * * *', 'minute field: "$" is not a value, a range or a step'],
  [
    '0 0 * * *  *',
    'cron expression "0 0 * * *  *" has 6 fields; it needs 5: minute hour day-of-month month weekday',
  ],
  ['0 0 * *', 'cron expression "0 0 * *" has 4 fields; it needs 5: minute hour day-of-month month weekday'],
  ['   ', 'cron expression is empty'],
])('%j: %s', async (expression, message) => {
  expect((await refusal(expression)).message).toBe(message);
});

test.each([
  ['5/10 * * * *', 'minute field: a step needs a range or * ("5/10")', 'Write 5-59/10 or */10.'],
  ['50-10 * * * *', 'minute field: range 50-10 goes backwards', 'Write it as two ranges, e.g. 50-59,0-10.'],
  ['0 0 * * fri-sun', 'weekday field: range fri-sun goes backwards', 'Sunday is 7 too: write fri-7.'],
  [
    '@every',
    'cron expression "@every": unknown macro',
    'The macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly.',
  ],
])('%j: %s, with a hint', async (expression, message, hint) => {
  expect(await refusal(expression)).toEqual({ message, hint });
});

test('@reboot is refused: a schedule cannot say "when the server starts"', async () => {
  for (const expression of ['@reboot', '@restart']) {
    expect(await refusal(expression)).toEqual({
      message: `cron expression "${expression}" cannot be scheduled: pgagent schedules are times of day, and a job cannot run "when the server starts"`,
      hint: "Start it from the server's start-up instead, or schedule it every few minutes and let it find out whether it has work.",
    });
  }
});

test("pg_cron's 'N seconds' is refused: pgagent runs jobs on whole minutes", async () => {
  for (const expression of ['30 seconds', '1 second', '10seconds']) {
    expect(await refusal(expression)).toEqual({
      message: `cron expression "${expression}" cannot be scheduled: pgagent runs jobs on whole minutes, so pg_cron's intervals in seconds have no equivalent`,
      hint: 'The shortest interval is every minute: * * * * *',
    });
  }
});

test('a refused expression leaves no job behind', async () => {
  await refusal('61 * * * *');
  expect((await client.query('SELECT count(*)::int AS n FROM pgagent.pga_job')).rows).toEqual([{ n: 0 }]);
});
