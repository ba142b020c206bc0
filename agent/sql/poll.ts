// A poll's statements: the probe (an idle poll's only statement) and the claim of due jobs.
import { ClaimedJob } from '../job-runner';
import { LeaseRenewal } from '../lease-renewal';
import { Step } from '../steps/step';
import { agentIsDead } from './agents';
import { Db } from './db';
import { LIMITS_COLUMNS, limitsOf, LimitsRow } from './job-control';
import { ClaimedRuns } from './claimed-runs';

/** A job that station $1 may claim once it is due: the probe and the claim must agree on it. */
const CLAIMABLE_BY_STATION = "jobenabled AND jobagentid IS NULL AND (jobhostagent = '' OR jobhostagent = $1)";

/**
 * One pass over the agents' rows and one over station $1's claimable jobs: whether we are still
 * registered, whether other agents are (`peers`), whether one of them is dead (`zombies`, the
 * sweep's test), whether a job is due, and the seconds until the next one (NULL: none
 * scheduled). A due job is excluded from `seconds`, so one nobody can claim yet is no busy loop.
 */
const probeSelect = (zombies: string, registered = 'a.registered'): string => `
SELECT ${registered} AS registered, a.peers, a.zombies, j.due,
       extract(epoch FROM j.next - clock_timestamp())::float8 AS seconds
  FROM (SELECT coalesce(bool_or(a.jagpid = pg_backend_pid()), false) AS registered,
               coalesce(bool_or(a.jagpid <> pg_backend_pid()), false) AS peers,
               coalesce(bool_or(${zombies}), false) AS zombies
          FROM pgagent.pga_jobagent a) a,
       (SELECT coalesce(bool_or(jobnextrun <= now()), false) AS due,
               min(jobnextrun) FILTER (WHERE jobnextrun > now()) AS next
          FROM pgagent.pga_job WHERE ${CLAIMABLE_BY_STATION}) j`;

/**
 * While no other agent is registered there is nobody to take for dead, and nobody to renew a
 * lease for. The executor starts every subquery of a statement, evaluated or not, so leaving
 * out the dead-agent test (pg_stat_activity) makes this the cheapest poll: about half the server
 * time of the others.
 */
export const PROBE_ALONE = probeSelect('false');

/** Before 4.4: read-only. */
export const PROBE = probeSelect(agentIsDead(false));

/** 4.4, between renewals: read-only. */
export const PROBE_WITH_LEASE = probeSelect(agentIsDead(true));

/** 4.4: the probe also renews our lease ($2 seconds), so liveness costs no statement of its own (lease-renewal.ts says when). */
export const PROBE_WITH_HEARTBEAT = `
WITH beat AS (
  UPDATE pgagent.pga_jobagent SET jagseen = now(), jaglease = make_interval(secs => $2)
   WHERE jagpid = pg_backend_pid()
  RETURNING jagpid
)${probeSelect(agentIsDead(true), 'EXISTS (SELECT 1 FROM beat)')}`;

export type Probe = {
  registered: boolean;
  /** Other agents are registered. */
  peers: boolean;
  zombies: boolean;
  due: boolean;
  seconds: number | null;
};

/**
 * leaseSeconds null: a schema without leases; `renewal` says when the probe renews the lease.
 * After a probe that saw no other agent the next one is PROBE_ALONE; when that finds one, the
 * full probe follows at once (renewing our lease, which nobody judged while we were alone).
 */
export async function probe(
  db: Db,
  station: string,
  leaseSeconds: number | null,
  renewal: LeaseRenewal,
): Promise<Probe> {
  const run = async (sql: string, params: unknown[]): Promise<Probe> =>
    (await db.query<Probe>(sql, params)).rows[0];
  if (renewal.alone) {
    const alone = await run(PROBE_ALONE, [station]);
    renewal.alone = !alone.peers;
    if (renewal.alone) return alone;
  }
  let result: Probe;
  if (leaseSeconds === null) result = await run(PROBE, [station]);
  else if (!renewal.due(leaseSeconds)) result = await run(PROBE_WITH_LEASE, [station]);
  else {
    const sentAt = performance.now();
    result = await run(PROBE_WITH_HEARTBEAT, [station, leaseSeconds]);
    renewal.renewed(sentAt);
  }
  renewal.alone = !result.peers;
  return result;
}

/**
 * Claims up to $2 due jobs for station $1 in one statement, with the log row ('r') of each run,
 * the job's enabled steps and the log row ('r') of its first step, so a run and its first step
 * start without statements of their own. SKIP LOCKED lets agents claim side by side without
 * waiting on each other; the re-checked conditions (a row
 * locked by another agent's claim or run end is re-read) and the claim guard (4.3: only a due
 * job can be claimed) make a job run once per due time, also beside pgAgent 4.2's agent, whose
 * claim is `UPDATE ... WHERE jobid = ? AND jobagentid IS NULL`; a job the guard refused gets
 * no log row. Not repeated after a reconnect: a lost reply leaves the jobs with our old pid,
 * and the take-over releases them and drops their unstarted runs (agents.ts).
 * `late`: seconds since the job was due. With job control (4.4) it also reads each job's time
 * limits (`withLimits`), so a run's start costs no statement at all.
 */
const claimStatement = (withLimits: boolean): string => `
WITH claimed AS (
  UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid(), joblastrun = now()
   WHERE jobid IN (
     SELECT jobid FROM pgagent.pga_job
      WHERE ${CLAIMABLE_BY_STATION} AND jobnextrun <= now()
      ORDER BY jobnextrun
      LIMIT $2
        FOR UPDATE SKIP LOCKED)
  RETURNING jobid, jobname, jobnextrun
), logged AS (
  INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus)
  SELECT jobid, 'r' FROM claimed
  RETURNING jlgid, jlgjobid
), first_steps AS (
  INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus)
  SELECT l.jlgid, f.jstid, 'r'
    FROM logged l
   CROSS JOIN LATERAL (SELECT jstid FROM pgagent.pga_jobstep WHERE jstjobid = l.jlgjobid AND jstenabled
                        ORDER BY jstname, jstid LIMIT 1) f
  RETURNING jslid, jsljlgid
)
SELECT c.jobid, c.jobname, extract(epoch FROM clock_timestamp() - c.jobnextrun)::float8 AS late, l.jlgid AS run_id,
       fs.jslid AS first_step_run,
       (SELECT COALESCE(json_agg(json_build_object('jstid', jstid, 'jstname', jstname, 'jstkind', jstkind, 'jstcode', jstcode,
                                                   'jstconnstr', jstconnstr, 'jstdbname', jstdbname, 'jstonerror', jstonerror)
                                 ORDER BY jstname, jstid), '[]')
          FROM pgagent.pga_jobstep WHERE jstjobid = c.jobid AND jstenabled) AS steps${withLimits ? `, ${LIMITS_COLUMNS}` : ''}
  FROM claimed c JOIN logged l ON l.jlgjobid = c.jobid LEFT JOIN first_steps fs ON fs.jsljlgid = l.jlgid${withLimits ? '\n CROSS JOIN LATERAL pgagent.pga_job_settings(c.jobid) s' : ''}
 ORDER BY c.jobnextrun`;

export const CLAIM_DUE_JOBS = claimStatement(false);
export const CLAIM_DUE_JOBS_WITH_LIMITS = claimStatement(true);

type ClaimRow = ClaimedJob & {
  run_id: number;
  first_step_run: number | null;
  steps: Step[];
} & Partial<LimitsRow>;

/** Claims due jobs and hands their logged runs to the RunStore through `claimed`. */
export async function claimDueJobs(
  db: Db,
  station: string,
  limit: number,
  claimed: ClaimedRuns,
  withLimits: boolean,
): Promise<ClaimedJob[]> {
  const { rows } = await db.query<ClaimRow & Record<string, unknown>>(
    withLimits ? CLAIM_DUE_JOBS_WITH_LIMITS : CLAIM_DUE_JOBS,
    [station, limit],
  );
  return rows.map(({ run_id, first_step_run, steps, run_seconds, step_seconds, ...job }) => {
    const limits = withLimits
      ? limitsOf({ run_seconds: run_seconds ?? null, step_seconds: step_seconds ?? null })
      : undefined;
    const firstStep = first_step_run === null ? null : { stepId: steps[0].jstid, stepRunId: first_step_run };
    claimed.put(job.jobid, { runId: run_id, steps, limits, firstStep });
    return job;
  });
}
