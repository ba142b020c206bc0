// Run ends that come while one is being written go out together, in one statement: in a burst
// the service connection then spends one round trip on many runs, not one each. A lone end is
// written on its own, and so is each end of a batch the server refused (a step's output the
// encoding cannot hold, a lock conflict, a site's trigger): one refused end holds up no other.
import { DatabaseError } from 'pg';
import { Status } from '../status';
import type { LastStep, Submit } from './runs';

/** What ending a run writes (runs.ts: finishRun). */
export interface RunEnd {
  runId: number | null;
  jobId: number;
  status: Status;
  seconds: number;
  lastStep?: LastStep;
}

/**
 * FINISH_RUN_WITH_STEP (runs.ts) for many runs: arrays by run, a run without a step to end has
 * NULLs for it. Returns the jobs released. A job comes at most once (a row is updated once per
 * statement), which RunEnds sees to.
 */
export const FINISH_RUNS = `
WITH e AS (
  SELECT * FROM unnest($1::int4[], $2::text[], $3::float8[], $4::int4[],
                       $5::int4[], $6::text[], $7::int4[], $8::float8[], $9::text[])
    AS e (run, status, seconds, job, step_run, step_status, step_result, step_seconds, step_output)
), last_step AS (
  UPDATE pgagent.pga_jobsteplog s
     SET jslstatus = e.step_status, jslresult = e.step_result,
         jslduration = make_interval(secs => e.step_seconds), jsloutput = e.step_output
    FROM e
   WHERE s.jslid = e.step_run AND s.jslstatus = 'r'
), unended_steps AS (
  UPDATE pgagent.pga_jobsteplog s SET jslstatus = 'd'
    FROM e
   WHERE s.jsljlgid = e.run AND s.jslstatus = 'r' AND s.jslid IS DISTINCT FROM e.step_run
), run AS (
  UPDATE pgagent.pga_joblog l SET jlgstatus = e.status, jlgduration = make_interval(secs => e.seconds)
    FROM e
   WHERE l.jlgid = e.run AND l.jlgstatus = 'r'
)
UPDATE pgagent.pga_job j SET jobagentid = NULL, jobnextrun = NULL
  FROM e
 WHERE j.jobid = e.job AND j.jobagentid = pg_backend_pid()
RETURNING j.jobid`;

interface Pending {
  end: RunEnd;
  resolve(released: boolean): void;
  reject(e: unknown): void;
}

export class RunEnds {
  private pending: Pending[] = [];
  private writing = false;

  /** single: writes one run's end as runs.ts does, resolving whether the job was released. */
  constructor(
    private readonly submit: Submit,
    private readonly single: (end: RunEnd) => Promise<boolean>,
  ) {}

  /** Writes the run's end, with others that came meanwhile; resolves whether the job was still ours. */
  write(end: RunEnd): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ end, resolve, reject });
      if (!this.writing) void this.next();
    });
  }

  private async next(): Promise<void> {
    this.writing = true;
    while (this.pending.length) {
      const batch = this.takeBatch();
      if (batch.length === 1) await settle(batch[0], () => this.single(batch[0].end));
      else await this.writeBatch(batch);
    }
    this.writing = false;
  }

  /** The pending ends, one per job; a second end of a job (a lost run and its successor) waits. */
  private takeBatch(): Pending[] {
    const jobs = new Set<number>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.pending) {
      if (jobs.has(p.end.jobId)) rest.push(p);
      else {
        jobs.add(p.end.jobId);
        batch.push(p);
      }
    }
    this.pending = rest;
    return batch;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let released: Set<number>;
    try {
      const { rows } = await this.submit<{ jobid: number }>(
        FINISH_RUNS,
        batchParams(batch.map((p) => p.end)),
      );
      released = new Set(rows.map((r) => r.jobid));
    } catch (e) {
      if (!(e instanceof DatabaseError)) {
        for (const p of batch) p.reject(e);
        return;
      }
      // Refused as a whole: each on its own, so each gets its own error (or none).
      await Promise.all(batch.map((p) => settle(p, () => this.single(p.end))));
      return;
    }
    for (const p of batch) p.resolve(released.has(p.end.jobId));
  }
}

async function settle(p: Pending, write: () => Promise<boolean>): Promise<void> {
  try {
    p.resolve(await write());
  } catch (e) {
    p.reject(e);
  }
}

function batchParams(ends: RunEnd[]): unknown[][] {
  const step = (e: RunEnd): LastStep['end'] | undefined => e.lastStep?.end;
  return [
    ends.map((e) => e.runId),
    ends.map((e) => e.status),
    ends.map((e) => e.seconds),
    ends.map((e) => e.jobId),
    ends.map((e) => e.lastStep?.stepRunId ?? null),
    ends.map((e) => step(e)?.status ?? null),
    ends.map((e) => step(e)?.result ?? null),
    ends.map((e) => step(e)?.seconds ?? null),
    ends.map((e) => step(e)?.output ?? null),
  ];
}
