// A step whose server refuses connections as busy (SQLSTATE 53300: too many clients, e.g.
// another agent holding every connection for a moment) waits with back-off instead of failing.
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRunningStep, waitForRuns } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

// Superusers ignore connection limits, so the step logs in as a role allowed one connection.
const ROLE = `busy_${process.pid}`;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`CREATE ROLE ${ROLE} LOGIN CONNECTION LIMIT 1`);
});
afterAll(async () => {
  await stopAllAgents();
  await db?.query(`DROP ROLE IF EXISTS ${ROLE}`);
  await db?.drop();
});

test('a step waits while its server is busy, then runs', async () => {
  const asRole = { ...db.cluster.clientConfig(db.name), user: ROLE };
  const holder = new Client(asRole);
  await holder.connect();
  const conninfo = `host=${asRole.host} port=${asRole.port} dbname=${db.name} user=${ROLE}`;
  const jobid = await createJob(db, { steps: [{ connstr: conninfo, code: 'SELECT current_user' }] });
  startAgent(db.conninfo, ['-t', '1']);
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  // The step is refused while the holder keeps the role's only connection: the server logs it.
  const serverLog = path.join(db.cluster.baseDir, 'server.log');
  await waitFor(
    () => fs.readFileSync(serverLog, 'utf8').includes(`too many connections for role "${ROLE}"`),
    {
      what: 'the server to refuse the step',
    },
  );
  await holder.end();
  const [run] = await waitForRuns(db, jobid);
  expect(run.jlgstatus).toBe('s');
  expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 1 }]);
  expect(run.steps[0].jsloutput).toMatch(/is busy \(.*53300.*\); trying again in \d+ ms/);
});
