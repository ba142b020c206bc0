// Creating jobs, making them due ("Run now", as pgAdmin does), and reading what the agents did
// with them. Due instants are kept in public.bench_due so every latency is computed by the
// server's clock, at microsecond precision.
import { BenchDb } from './db';
import { createJobs, runNow as makeDue, StepSpec } from '../../test/helpers/jobs';
import { poll } from '../../test/helpers/wait';

/** A bench job's one step; `{jobid}` in its code is replaced by the job's id. */
export type Step = Required<Pick<StepSpec, 'kind' | 'code'>>;

export const STEPS = {
  select: { kind: 's', code: 'SELECT 1' },
  insert: { kind: 's', code: 'INSERT INTO public.bench_sink (jobid) VALUES ({jobid})' },
  echo: { kind: 'b', code: '#!/bin/sh\necho hi\n' },
  sleep30: { kind: 's', code: 'SELECT pg_sleep(30)' },
} satisfies Record<string, Step>;

/** Creates n enabled one-step jobs that are not due (jobnextrun NULL); returns their ids. */
export function createBenchJobs(
  db: BenchDb,
  n: number,
  step: Step,
  opts: { everyMinute?: boolean } = {},
): Promise<number[]> {
  return createJobs(db, n, {
    name: 'bench',
    steps: [{ ...step, name: 'step' }],
    everyMinute: opts.everyMinute,
  });
}

/** The shared "Run now", with each due instant recorded in bench_due. */
export async function runNow(db: BenchDb, jobIds: number[]): Promise<void> {
  const due = await makeDue(db, ...jobIds);
  await db.query(
    'INSERT INTO public.bench_due (jobid, due) SELECT * FROM unnest($1::int4[], $2::timestamptz[])',
    [due.map((d) => d.jobid), due.map((d) => d.due)],
  );
}

/** True once no job is claimed, due, or has a running log row. */
export async function isDrained(db: BenchDb): Promise<boolean> {
  const [r] = await db.query<{ pending: number }>(
    `SELECT (SELECT count(*) FROM pgagent.pga_job WHERE jobagentid IS NOT NULL OR (jobenabled AND jobnextrun <= now()))
          + (SELECT count(*) FROM pgagent.pga_joblog WHERE jlgstatus = 'r') AS pending`,
  );
  return Number(r.pending) === 0;
}

export async function waitDrained(db: BenchDb, timeoutMs: number): Promise<boolean> {
  return (await poll(async () => ((await isDrained(db)) ? true : undefined), timeoutMs, 200)) ?? false;
}

export interface Outcome {
  jobs: number;
  runs: number;
  succeeded: number;
  failed: number;
  internal: number;
  aborted: number;
  running: number;
  /** Jobs made due that never got a pga_joblog row. */
  neverRan: number;
  /** Jobs with more than one pga_joblog row, and the rows beyond the first. */
  duplicatedJobs: number;
  extraRuns: number;
  /** Jobs with more than one pga_joblog row that is not 'i' (more than one real run). */
  rerunJobs: number;
  /** Jobs whose INSERT step wrote more than one row (a step run twice, logged or not). */
  duplicatedSinkJobs: number;
  /** Seconds from the (earliest) due instant to the end of the last run, and to the first start. */
  drainSeconds: number;
  firstStartSeconds: number;
  /** Seconds from the first start to the end of the last run: the work without the poll wait. */
  spanSeconds: number;
  /** Failed or aborted steps' result and first line of output, most common first. */
  failureReasons: Tally[];
  /** Runs by agent (ours, upstream): all of them, and the runs after a job's first. */
  runsBy: Tally[];
  extraRunsBy: Tally[];
}

export interface Tally {
  key: string;
  count: number;
}

/** What happened to every job in bench_due. */
export async function outcome(db: BenchDb): Promise<Outcome> {
  const [r] = await db.query(
    `WITH d AS (SELECT jobid, min(due) AS due FROM public.bench_due GROUP BY jobid),
          l AS (SELECT jlgjobid, count(*) AS n, count(*) FILTER (WHERE jlgstatus <> 'i') AS real_runs,
                       count(*) FILTER (WHERE jlgstatus = 's') AS s, count(*) FILTER (WHERE jlgstatus = 'f') AS f,
                       count(*) FILTER (WHERE jlgstatus = 'i') AS i, count(*) FILTER (WHERE jlgstatus = 'd') AS d,
                       count(*) FILTER (WHERE jlgstatus = 'r') AS r,
                       min(jlgstart) AS first_start, max(jlgstart + coalesce(jlgduration, '0')) AS last_end
                  FROM pgagent.pga_joblog GROUP BY jlgjobid),
          k AS (SELECT jobid FROM public.bench_sink GROUP BY jobid HAVING count(*) > 1)
     SELECT count(*)::int AS jobs, coalesce(sum(l.n), 0)::int AS runs,
            coalesce(sum(l.s), 0)::int AS succeeded, coalesce(sum(l.f), 0)::int AS failed,
            coalesce(sum(l.i), 0)::int AS internal, coalesce(sum(l.d), 0)::int AS aborted,
            coalesce(sum(l.r), 0)::int AS running,
            count(*) FILTER (WHERE l.n IS NULL)::int AS never_ran,
            count(*) FILTER (WHERE l.n > 1)::int AS duplicated_jobs,
            coalesce(sum(l.n - 1) FILTER (WHERE l.n > 1), 0)::int AS extra_runs,
            count(*) FILTER (WHERE l.real_runs > 1)::int AS rerun_jobs,
            (SELECT count(*) FROM k)::int AS duplicated_sink_jobs,
            extract(epoch FROM max(l.last_end) - min(d.due))::float8 AS drain_s,
            extract(epoch FROM min(l.first_start) - min(d.due))::float8 AS first_start_s
       FROM d LEFT JOIN l ON l.jlgjobid = d.jobid`,
  );
  const reasons = await db.query<Tally>(
    `SELECT 'result ' || coalesce(jslresult::text, 'null') || ': '
              || left(split_part(replace(coalesce(nullif(trim(jsloutput), ''), '(no output)'), current_database(), '<db>'),
                                 E'\\n', 1), 120) AS key,
            count(*)::int AS count
       FROM pgagent.pga_jobsteplog WHERE jslstatus <> 's' GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
  );
  // Roles are bench_<agent>_<n>. With onlyExtra: every log row of a job but its first real run
  // (not 'i': pgAgent logs a claim race it lost as a run with status 'i'), with its status.
  const by = (onlyExtra: boolean): Promise<Tally[]> =>
    db.query<Tally>(
      `SELECT split_part(r.agent, '_', 2) || CASE WHEN $1 THEN ' ' || l.jlgstatus ELSE '' END AS key, count(*)::int AS count
         FROM public.bench_runs r
         JOIN (SELECT jlgid, jlgstatus, row_number() OVER (PARTITION BY jlgjobid ORDER BY jlgstatus = 'i', jlgstart, jlgid) AS nth
                 FROM pgagent.pga_joblog) l USING (jlgid)
        WHERE NOT $1 OR l.nth > 1
        GROUP BY 1 ORDER BY 2 DESC`,
      [onlyExtra],
    );
  return {
    jobs: r.jobs,
    runs: r.runs,
    succeeded: r.succeeded,
    failed: r.failed,
    internal: r.internal,
    aborted: r.aborted,
    running: r.running,
    neverRan: r.never_ran,
    duplicatedJobs: r.duplicated_jobs,
    extraRuns: r.extra_runs,
    rerunJobs: r.rerun_jobs,
    duplicatedSinkJobs: r.duplicated_sink_jobs,
    drainSeconds: r.drain_s ?? NaN,
    firstStartSeconds: r.first_start_s ?? NaN,
    spanSeconds: (r.drain_s ?? NaN) - (r.first_start_s ?? NaN),
    failureReasons: reasons,
    runsBy: await by(false),
    extraRunsBy: await by(true),
  };
}

/** Seconds from each due instant in bench_due (of the given jobs) to the first run that started at or after it. */
export async function runNowLatencies(db: BenchDb, jobIds?: number[]): Promise<number[]> {
  const rows = await db.query<{ s: number }>(
    `SELECT extract(epoch FROM min(l.jlgstart) - d.due)::float8 AS s
       FROM public.bench_due d JOIN pgagent.pga_joblog l ON l.jlgjobid = d.jobid AND l.jlgstart >= d.due
      WHERE $1::int4[] IS NULL OR d.jobid = ANY($1)
      GROUP BY d.jobid, d.due`,
    [jobIds ?? null],
  );
  return rows.map((r) => r.s);
}

/**
 * Seconds from the minute boundary each run of the given scheduled jobs was due at to its start,
 * for the boundaries at or after `from`.
 */
export async function scheduledLatencies(db: BenchDb, jobIds: number[], from: Date): Promise<number[]> {
  const rows = await db.query<{ s: number }>(
    `SELECT extract(epoch FROM jlgstart - date_trunc('minute', jlgstart))::float8 AS s
       FROM pgagent.pga_joblog WHERE jlgjobid = ANY($1) AND date_trunc('minute', jlgstart) >= $2`,
    [jobIds, from],
  );
  return rows.map((r) => r.s);
}
