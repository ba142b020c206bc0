// 6. Crash drills, each agent on its own: a running job's agent is killed with -9 (with another
// agent already running, and with a new agent started afterwards), and PostgreSQL is restarted
// while a job runs. Measures how long until the run is marked aborted and the job is free, and
// how long the agent takes to work again after the restart, with what it logged.
import { AgentKind } from '../agents';
import { BenchContext, Scenario } from '../context';
import { BenchDb } from '../db';
import { createBenchJobs, runNow, runNowLatencies, STEPS } from '../jobs';
import { label, num } from '../report';
import { failed, perAgent, registeredPid, RunningAgent, Session, withSession } from '../session';
import { poll } from '../../../test/helpers/wait';

/** Every drill's agents run with -r 10, the smallest pgAgent accepts. */
const DRILL_FLAGS = { retry: 10 };
/**
 * On 4.4 a killed agent's jobs are released once its backend is gone and its lease (two polls
 * plus -r: 30 s) has run out, counted from a newcomer's registration at the earliest
 * (docs/reliability.md), then at the next poll: 40 s, plus slack. More than eight of pgAgent's
 * polls (5 s).
 */
const CLEANUP_TIMEOUT_MS = 50_000;
/** -r plus a default poll plus slack. */
const RECOVERY_TIMEOUT_MS = 40_000;

interface RunState {
  free: boolean;
  status: string | null;
  stepStatus: string | null;
  stepOutput: string | null;
}

async function runState(db: BenchDb, jobid: number): Promise<RunState> {
  const [r] = await db.query<RunState>(
    `SELECT j.jobagentid IS NULL AS free, l.jlgstatus AS status, s.jslstatus AS "stepStatus",
            left(split_part(s.jsloutput, E'\\n', 1), 160) AS "stepOutput"
       FROM pgagent.pga_job j
       LEFT JOIN LATERAL (SELECT * FROM pgagent.pga_joblog WHERE jlgjobid = j.jobid ORDER BY jlgid LIMIT 1) l ON true
       LEFT JOIN LATERAL (SELECT * FROM pgagent.pga_jobsteplog WHERE jsljlgid = l.jlgid ORDER BY jslid LIMIT 1) s ON true
      WHERE j.jobid = $1`,
    [jobid],
  );
  return r;
}

/** Starts a pg_sleep(30) job and waits until `agent` runs its step; returns the job id. */
async function startLongJob(s: Session, agent: RunningAgent): Promise<number> {
  const [job] = await createBenchJobs(s.db, 1, STEPS.sleep30);
  await runNow(s.db, [job]);
  const running = await poll(async () => {
    const [r] = await s.db.query<{ ok: boolean }>(
      `SELECT j.jobagentid = $2 AND EXISTS (SELECT 1 FROM pgagent.pga_joblog l JOIN pgagent.pga_jobsteplog sl ON sl.jsljlgid = l.jlgid
                                            WHERE l.jlgjobid = j.jobid AND sl.jslstatus = 'r') AS ok
         FROM pgagent.pga_job j WHERE j.jobid = $1`,
      [job, agent.servicePid],
    );
    return r.ok ? true : undefined;
  }, 20_000);
  if (!running) throw new Error('the agent did not start the pg_sleep(30) job within 20 s');
  return job;
}

/** Milliseconds until the run is no longer 'r' and the job is unclaimed; undefined on timeout. */
async function timeToCleanup(
  db: BenchDb,
  job: number,
  from: number,
  timeoutMs: number,
): Promise<number | undefined> {
  return poll(async () => {
    const r = await runState(db, job);
    return r.free && r.status !== 'r' ? Date.now() - from : undefined;
  }, timeoutMs);
}

async function backendGone(db: BenchDb, pid: number): Promise<boolean> {
  const [r] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1',
    [pid],
  );
  return r.n === 0;
}

interface KillResult {
  /** Seconds from kill -9 until the run was marked and the job freed (null: not within the timeout). */
  cleanupSeconds: number | null;
  /** For a new agent: seconds from starting it until then (its start-up included). */
  afterStartSeconds?: number | null;
  final: RunState;
}

async function killWithStandby(ctx: BenchContext, kind: AgentKind): Promise<KillResult> {
  return withSession(ctx, `crash_standby_${kind.name}`, async (s) => {
    const a = await s.start(kind, DRILL_FLAGS);
    const job = await startLongJob(s, a);
    await s.start(kind, DRILL_FLAGS); // the standby, registered before the kill
    const t0 = Date.now();
    await a.proc.kill9();
    const ms = await timeToCleanup(s.db, job, t0, CLEANUP_TIMEOUT_MS);
    return { cleanupSeconds: ms === undefined ? null : ms / 1000, final: await runState(s.db, job) };
  });
}

async function killThenStart(ctx: BenchContext, kind: AgentKind): Promise<KillResult> {
  return withSession(ctx, `crash_newagent_${kind.name}`, async (s) => {
    const a = await s.start(kind, DRILL_FLAGS);
    const job = await startLongJob(s, a);
    const t0 = Date.now();
    await a.proc.kill9();
    // A new agent only sees the dead one once its service backend has gone.
    await poll(async () => ((await backendGone(s.db, a.servicePid)) ? true : undefined), 10_000);
    const t1 = Date.now();
    await s.start(kind, DRILL_FLAGS);
    const ms = await timeToCleanup(s.db, job, t0, CLEANUP_TIMEOUT_MS);
    return {
      cleanupSeconds: ms === undefined ? null : ms / 1000,
      afterStartSeconds: ms === undefined ? null : (ms - (t1 - t0)) / 1000,
      final: await runState(s.db, job),
    };
  });
}

interface RestartResult {
  restartSeconds: number;
  /** The agent process after the restart: running, or its exit code. */
  agentExit: number | null | 'running';
  /** Seconds from the start of the restart until the agent exited, if it did. */
  exitedAfterSeconds: number | null;
  /** Seconds from the server being back until the agent had registered again. */
  reregisteredSeconds: number | null;
  /** Seconds from a "Run now" made as soon as the server was back until that job started. */
  probePickupSeconds: number | null;
  interrupted: RunState;
  logLines: string[];
}

async function restartMidJob(ctx: BenchContext, kind: AgentKind): Promise<RestartResult> {
  return withSession(ctx, `crash_pgrestart_${kind.name}`, async (s) => {
    const a = await s.start(kind, DRILL_FLAGS);
    const [probe] = await createBenchJobs(s.db, 1, STEPS.select);
    const job = await startLongJob(s, a);
    const logBefore = a.proc.log.length;
    const t0 = Date.now();
    s.db.cluster.restart();
    const t1 = Date.now();
    await s.db.close(); // its connection died with the server
    await runNow(s.db, [probe]);
    const reregistered = await poll(async () => {
      if (a.proc.exit !== undefined) return null;
      const pid = await registeredPid(s.db, a.role);
      return pid !== undefined && pid !== a.servicePid ? Date.now() - t1 : undefined;
    }, RECOVERY_TIMEOUT_MS);
    const picked = await poll(
      async () => {
        if (a.proc.exit !== undefined) return null;
        const [lat] = await runNowLatencies(s.db, [probe]);
        return lat;
      },
      Math.max(0, t1 + RECOVERY_TIMEOUT_MS - Date.now()),
    );
    // Give the interrupted run a moment to be logged, if the agent is going to.
    await timeToCleanup(s.db, job, Date.now(), a.proc.exit === undefined ? 5_000 : 0);
    return {
      restartSeconds: (t1 - t0) / 1000,
      agentExit: a.proc.exit === undefined ? 'running' : a.proc.exit,
      exitedAfterSeconds: a.proc.exitedAt === undefined ? null : (a.proc.exitedAt - t0) / 1000,
      reregisteredSeconds: reregistered == null ? null : reregistered / 1000,
      probePickupSeconds: picked ?? null,
      interrupted: await runState(s.db, job),
      logLines: keyLines(a.proc.log.slice(logBefore)),
    };
  });
}

/**
 * The log's warning and error lines, without continuation lines and with repeats of the same
 * message (timestamps aside) left out.
 */
function keyLines(log: string): string[] {
  const seen = new Set<string>();
  return log
    .split('\n')
    .filter((l) => /\b(ERROR|WARNING)\b/.test(l))
    .filter((l) => {
      const message = l.replace(/^.*?\b(ERROR|WARNING)\b/, '$1');
      if (seen.has(message)) return false;
      seen.add(message);
      return true;
    })
    .slice(0, 20);
}

const secs = (x: number | null | undefined): string =>
  x == null ? 'never (within the timeout)' : `${num(x)} s`;
const state = (r: RunState): string =>
  `run '${r.status ?? '-'}', step '${r.stepStatus ?? '-'}'${r.stepOutput ? ` ("${r.stepOutput}")` : ''}, job ${r.free ? 'free' : 'still claimed'}`;

export const crash: Scenario = {
  name: 'crash',
  async run(ctx) {
    ctx.report.line(`crash drills (pg_sleep(30) job running; one run per agent)`);
    const standby = await perAgent(ctx, (k) => killWithStandby(ctx, k));
    for (const [name, r] of Object.entries(standby)) {
      ctx.report.line(
        `  ${label(`kill -9, standby agent, ${name}`, 34)} ` +
          (failed(r)
            ? `error: ${r.error}`
            : `cleaned up after ${secs(r!.cleanupSeconds)}; ${state(r!.final)}`),
      );
    }
    const fresh = await perAgent(ctx, (k) => killThenStart(ctx, k));
    for (const [name, r] of Object.entries(fresh)) {
      ctx.report.line(
        `  ${label(`kill -9, new agent started, ${name}`, 34)} ` +
          (failed(r)
            ? `error: ${r.error}`
            : `cleaned up ${secs(r!.cleanupSeconds)} after the kill (${secs(r!.afterStartSeconds)} after starting the new agent); ${state(r!.final)}`),
      );
    }
    const restart = await perAgent(ctx, (k) => restartMidJob(ctx, k));
    for (const [name, r] of Object.entries(restart)) {
      if (failed(r)) {
        ctx.report.line(`  ${label(`PostgreSQL restart, ${name}`, 34)} error: ${r.error}`);
        continue;
      }
      const alive =
        r!.agentExit === 'running'
          ? 'agent kept running'
          : `agent EXITED (code ${r!.agentExit}) ${secs(r!.exitedAfterSeconds)} after the restart began`;
      ctx.report.line(
        `  ${label(`PostgreSQL restart, ${name}`, 34)} ${alive}; re-registered ${secs(r!.reregisteredSeconds)} and ran a new job ` +
          `${secs(r!.probePickupSeconds)} after the server was back (-r 10); interrupted ${state(r!.interrupted)}`,
      );
      for (const l of r!.logLines.slice(0, 6))
        ctx.report.line(`  ${label('', 34)}   log: ${l.slice(0, 200)}`);
    }
    return { killWithStandby: standby, killThenStart: fresh, restartMidJob: restart };
  },
};
