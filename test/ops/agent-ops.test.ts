// The agent's operations features end to end, with real agents: a failed run posted to a
// webhook (a local HTTP server), /metrics moving with runs, /readyz following the server, and
// history retention applied once beside a second agent.
import { Client } from 'pg';
import { Cluster, freePort, startCluster } from '../../scripts/cluster';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';
import { Receiver, startReceiver } from './support';
import { waitFor } from '../helpers/wait';

afterAll(() => stopAllAgents());

async function get(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** Prometheus text format: comments, or `name{labels} value`. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

function metric(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

describe('on the shared cluster', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let port: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await startReceiver();
    port = await freePort();
    startAgent(db.conninfo, ['--http', String(port), '--notify-webhook', receiver.url.href]);
    await waitFor(async () => (await get(`http://127.0.0.1:${port}/readyz`)).status === 200, {
      what: 'the agent to be ready',
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.drop();
  });

  test('a failed run is posted to the webhook once, a successful one not at all; /metrics counts both', async () => {
    const bad = await createJob(db, { name: 'broken', steps: [{ code: 'SELECT * FROM no_such_table' }] });
    const good = await createJob(db, { name: 'fine', steps: [{ code: 'SELECT 1' }] });
    await runNow(db, bad);
    await runNow(db, good);
    await waitForRuns(db, bad, 1);
    await waitForRuns(db, good, 1);
    await waitFor(() => receiver.bodies.length >= 1, { what: 'the webhook POST' });
    const posted = JSON.parse(receiver.bodies[0]);
    expect(posted).toMatchObject({ job_id: bad, job_name: 'broken', status: 'f', step_status: 'f' });
    expect(posted.output).toContain('no_such_table');
    const metrics = await get(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    for (const line of metrics.body.split('\n'))
      if (line && !line.startsWith('#')) expect(line).toMatch(SAMPLE);
    await waitFor(
      async () =>
        metric((await get(`http://127.0.0.1:${port}/metrics`)).body, 'pgagent_runs_total{status="s"}') >= 1,
      {
        what: 'the success to be counted',
      },
    );
    const text = (await get(`http://127.0.0.1:${port}/metrics`)).body;
    expect(metric(text, 'pgagent_runs_total{status="f"}')).toBe(1);
    expect(metric(text, 'pgagent_steps_total{kind="s",status="f"}')).toBe(1);
    expect(metric(text, 'pgagent_pickup_delay_seconds_count')).toBe(2);
    expect(metric(text, 'pgagent_service_connected')).toBe(1);
    expect(metric(text, 'pgagent_last_poll_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
    // Only the failure was posted, however long we look again.
    expect(receiver.bodies).toHaveLength(1);
  });

  test('/livez answers 200 and unknown paths 404', async () => {
    expect((await get(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    expect((await get(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});

describe('on a cluster of its own', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ prefix: CLUSTER_PREFIX });
    cluster.psql('CREATE DATABASE ops');
    cluster.psql('CREATE EXTENSION pgagent', 'ops');
  });
  afterAll(async () => {
    await stopAllAgents();
    cluster?.destroy();
  });

  test('/readyz is 503 with the reason while PostgreSQL is stopped, and 200 again once it is back', async () => {
    const port = await freePort();
    startAgent(cluster.conninfo('ops'), ['-r', '10', '--http', String(port)]);
    const ready = `http://127.0.0.1:${port}/readyz`;
    await waitFor(async () => (await get(ready)).status === 200, { what: 'ready' });
    cluster.stop('fast');
    await waitFor(async () => (await get(ready)).status === 503, {
      what: 'not ready while the server is down',
    });
    expect((await get(ready)).body).toMatch(/connect|server/);
    expect((await get(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    cluster.start();
    await waitFor(async () => (await get(ready)).status === 200, { timeoutMs: 60_000, what: 'ready again' });
  });

  test('history retention is applied by the agents, each run removed once', async () => {
    cluster.psql("ALTER DATABASE ops SET pgagent.history_retention = '1 day'");
    cluster.psql('ALTER DATABASE ops SET pgagent.history_keep_per_job = 2');
    const c = new Client(cluster.clientConfig('ops'));
    await c.connect();
    try {
      const { rows } = await c.query(
        `INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'old history') RETURNING jobid`,
      );
      await c.query(
        `INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
         SELECT $1, 's', now() - make_interval(days => d), '1 second' FROM generate_series(1, 2500) d`,
        [rows[0].jobid],
      );
      const a = startAgent(cluster.conninfo('ops'), ['--history-interval', '1']);
      const b = startAgent(cluster.conninfo('ops'), ['--history-interval', '1']);
      const left = async (): Promise<number> =>
        Number((await c.query('SELECT count(*) AS n FROM pgagent.pga_joblog')).rows[0].n);
      await waitFor(async () => (await left()) === 2, {
        timeoutMs: 60_000,
        what: 'the old runs to be purged',
      });
      const removed = (log: string): number =>
        [...log.matchAll(/history retention: removed (\d+) old run/g)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
      await waitFor(() => removed(a.log) + removed(b.log) === 2498, {
        what: 'both agents to have logged what they removed',
      });
    } finally {
      await c.end();
    }
  });
});
