// The bookkeeping of one run, as pgbench replays it: the agent's own statements (imported from
// agent/sql, so the limit follows the agent), one run per pgbench transaction: the claim of one
// due job with its log row and its step's, then the step's end with the run's end. The step
// itself is not run: this is the least a run costs the server before any work. pgbench clients
// are no registered agents, so every client claims for one agent row the bench registers (:agent).
import * as fs from 'fs';
import * as path from 'path';
import { runAsServerUser } from '../cluster';
import { CLAIM_DUE_JOBS } from '../../agent/sql/poll';
import { FINISH_RUN_WITH_STEP } from '../../agent/sql/runs';
import { BenchDb } from './db';

/** A statement with $n replaced by pgbench variables, pg_backend_pid() by :agent, and \gset if it returns a row we need. */
function replay(sql: string, vars: string[], gset = false): string {
  const text = sql
    .replace(/pg_backend_pid\(\)/g, ':agent')
    .replace(/\$(\d+)/g, (_, n: string) => `:${vars[Number(n) - 1]}`)
    .trim();
  return gset ? `${text} \\gset` : `${text};`;
}

/** The script: variables jobid, run_id and first_step_run (the step's log row) come from the claim. */
export function bookkeepingScript(): string {
  const claim = replay(CLAIM_DUE_JOBS, ['station', 'one'], true);
  const run = ['run_id', 'status', 'seconds', 'jobid'];
  const step = ['first_step_run', 'status', 'result', 'seconds', 'output'];
  return `${claim}\n${replay(FINISH_RUN_WITH_STEP, [...run, ...step])}\n`;
}

/** n one-step jobs. */
export async function limitJobs(db: BenchDb, n: number): Promise<void> {
  await db.query(
    `WITH j AS (
       INSERT INTO pgagent.pga_job (jobjclid, jobname)
       SELECT (SELECT jclid FROM pgagent.pga_jobclass WHERE jclname = 'Miscellaneous'), 'limit ' || g FROM generate_series(1, $1) g
       RETURNING jobid
     )
     INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstdbname, jstcode)
     SELECT jobid, 'step', 's', current_database(), 'SELECT 1' FROM j`,
    [n],
  );
}

/** Makes every job due again and registers the agent row the clients claim for; returns its pid. */
export async function armJobs(db: BenchDb): Promise<number> {
  await db.query('UPDATE pgagent.pga_job SET jobnextrun = now(), jobagentid = NULL');
  const [{ pid }] = await db.query<{ pid: number }>(
    `INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (pg_backend_pid(), 'pgbench')
     ON CONFLICT (jagpid) DO UPDATE SET jagstation = EXCLUDED.jagstation RETURNING jagpid AS pid`,
  );
  return pid;
}

/** Runs pgbench with `clients` clients, `perClient` runs each; returns runs per second. */
export function pgbench(db: BenchDb, agentPid: number, clients: number, perClient: number): number {
  // In the cluster's directory: pgbench runs as the server's user.
  const script = path.join(db.cluster.baseDir, 'bookkeeping.pgbench');
  fs.writeFileSync(script, bookkeepingScript(), { mode: 0o644 });
  const { socketDir, port, user, pgBin } = db.cluster;
  const vars = {
    agent: agentPid,
    station: 'pgbench',
    one: 1,
    status: 's',
    result: 1,
    seconds: 0.001,
    output: 'ok',
  };
  const out = runAsServerUser(path.join(pgBin, 'pgbench'), [
    '-n',
    '-M',
    'prepared',
    '-h',
    socketDir,
    '-p',
    String(port),
    '-U',
    user,
    '-c',
    String(clients),
    '-j',
    String(clients),
    '-t',
    String(perClient),
    '-f',
    script,
    ...Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    db.name,
  ]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1];
  if (!tps) throw new Error(`pgbench gave no tps:\n${out}`);
  return Number(tps);
}
