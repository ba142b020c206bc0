// pg_dump keeps user jobs: the extension's tables are marked for dumping (the built-in job
// classes filtered out, since CREATE EXTENSION recreates them), and in 4.3 so are the id sequences.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTestDatabase, TestDatabase, testCluster } from '../helpers/db';
import { addUserJobs, allRows, insertException, TABLES, insertJob, insertRun, insertSchedule, insertStep, utcClient } from '../helpers/catalog-rows';
import { outcome } from '../helpers/outcome';
import { pgDump, pgDumpCanDump, pgRestore } from '../helpers/pgdump';
import { serverMajor } from '../helpers/versions';

/** Dumps `source` in custom format and restores it into a new, empty database. */
async function dumpAndRestore(source: TestDatabase): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-dump-'));
  try {
    const file = path.join(dir, 'db.dump');
    pgDump(source.cluster, source.name, ['-Fc', '-f', file]);
    const target = await createTestDatabase({ extension: false });
    pgRestore(source.cluster, target.name, [file]); // throws on any restore error
    return target;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Debian's pg_dump (15) cannot dump the servers of 16 and later that the matrix runs.
const describeIfDumps = pgDumpCanDump(testCluster(), serverMajor()) ? describe : describe.skip;

describeIfDumps.each(['4.2', '4.3', '4.4'])('dump and restore of pgagent %s', (version) => {
  let source: TestDatabase;
  let restored: TestDatabase;
  beforeAll(async () => {
    source = await createTestDatabase({ extension: version });
    const client = await utcClient(source);
    try {
      await addUserJobs(client);
    } finally {
      await client.end();
    }
    restored = await dumpAndRestore(source);
  });
  afterAll(async () => {
    await source?.drop();
    await restored?.drop();
  });

  test('restores every job, step, schedule, exception and log, and each class once', async () => {
    // The dump says CREATE EXTENSION without a version, so the restore installs the default
    // one, whose tables may have more columns (4.4's jsctimezone): compare the source's.
    const before = await allRows(source);
    const after = await allRows(restored);
    for (const table of TABLES) {
      const columns = new Set(before[table].flatMap((r) => Object.keys((r as { row: object }).row)));
      after[table] = after[table].map((r) => ({
        row: Object.fromEntries(Object.entries((r as { row: object }).row).filter(([k]) => columns.has(k) || columns.size === 0)),
      }));
    }
    expect(after).toEqual(before);
    const classes = await restored.query('SELECT jclname, count(*)::int AS n FROM pgagent.pga_jobclass GROUP BY 1');
    expect(classes).toHaveLength(6);
    expect(classes.every((c) => c.n === 1)).toBe(true);
  });

  if (version === '4.2') {
    // pgAgent 4.2 does not mark its sequences, so a restored database hands out ids again
    // from the start: the first new job collides with a restored one. 4.3 fixes this.
    test('(upstream bug) a new job collides with a restored id', async () => {
      const client = await restored.connect();
      try {
        expect(await outcome(client, "INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'new')")).toBe(
          '23505 pga_job_pkey',
        );
      } finally {
        await client.end();
      }
    });
  } else {
    test('new classes, jobs, steps, schedules, exceptions and logs get fresh ids', async () => {
      const client = await utcClient(restored);
      try {
        // Each insert takes its id from a sequence; a collision with a restored row would throw.
        await client.query("INSERT INTO pgagent.pga_jobclass (jclname) VALUES ('After restore')");
        const jobid = await insertJob(client, { name: 'after restore' });
        const jstid = await insertStep(client, jobid);
        await insertException(client, await insertSchedule(client, jobid), '2100-01-01', '05:00');
        await insertRun(client, jobid, jstid);
        const [{ max }] = await source.query('SELECT max(jobid) FROM pgagent.pga_job');
        expect(jobid).toBeGreaterThan(max as number);
      } finally {
        await client.end();
      }
    });
  }
});
