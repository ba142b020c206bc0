// The statements that record runs in pga_joblog and pga_jobsteplog, and the RunStore the job
// runner writes through. Every statement goes through submit(), which repeats it after a
// reconnect, so each is safe to repeat: a run's log row and its first step's come with its
// claim (poll.ts) or, for a run the claim did not log, with an id drawn first and ON CONFLICT
// DO NOTHING; a later step's row is the run's row of that step still running, if there is one;
// updates only touch rows still running. Log rows are only added while the job is ours: a job
// another agent's sweep took from us while we were disconnected, or one deleted meanwhile, gets
// no new 'r' row nobody would end. The step that ends a run is recorded with the run's end, in
// one statement: a one-step run so costs one statement of its own beside its share of the claim,
// and in a burst a share of one, since run ends that come together go out together (run-ends.ts).
import { DatabaseError } from 'pg';
import { replaceUnstorable } from '../encoding';
import { Status } from '../status';
import { Step } from '../steps/step';
import { ClaimedRuns } from './claimed-runs';
import { RunEnds } from './run-ends';

export type Submit = <R extends Record<string, unknown>>(
  sql: string,
  params?: unknown[],
) => Promise<{ rows: R[]; rowCount: number }>;

/** Why a step could not be logged: its job is gone, no longer ours, or the step was deleted. */
export type StepMissing = 'job' | 'claim' | 'step';

export interface StepEnd {
  status: Status;
  result: number;
  seconds: number;
  output: string;
}

/** What the job runner reads and writes. Methods throw what the database throws. */
export interface RunStore {
  /** Logs a run of the job ('r') and returns its id; null when the job is no longer ours. */
  startRun(jobId: number): Promise<number | null>;
  /** The job's enabled steps, in the order they run. */
  steps(jobId: number): Promise<Step[]>;
  /** Logs a step run ('r') and returns its id, or why it could not. */
  startStep(runId: number, jobId: number, stepId: number): Promise<{ id: number } | { missing: StepMissing }>;
  /** Records a step's end; characters the database's encoding cannot hold become '?'. */
  finishStep(stepRunId: number, end: StepEnd): Promise<void>;
  /**
   * Records the run's end (when it was logged), with the end of the step that ended it if
   * given, and releases the job; false if it was no longer ours. A step row of the run still
   * running (a run stopped before its first step) is recorded aborted.
   */
  finishRun(
    runId: number | null,
    jobId: number,
    status: Status,
    seconds: number,
    lastStep?: LastStep,
  ): Promise<boolean>;
}

/** The step that ended a run, recorded with the run's end. */
export interface LastStep {
  stepRunId: number;
  end: StepEnd;
}

export const NEXT_RUN_ID = "SELECT nextval('pgagent.pga_joblog_jlgid_seq')::int4 AS id";

/** $1 the new jlgid, $2 the job. logged: the row is there (also when this is a repeat). */
export const INSERT_RUN = `
WITH ins AS (
  INSERT INTO pgagent.pga_joblog (jlgid, jlgjobid, jlgstatus)
  SELECT $1, jobid, 'r' FROM pgagent.pga_job WHERE jobid = $2 AND jobagentid = pg_backend_pid()
  ON CONFLICT (jlgid) DO NOTHING
  RETURNING jlgid
)
SELECT EXISTS (SELECT 1 FROM ins) OR EXISTS (SELECT 1 FROM pgagent.pga_joblog WHERE jlgid = $1) AS logged`;

export const JOB_STEPS = `
SELECT jstid, jstname, jstkind, jstcode, jstconnstr, jstdbname, jstonerror
  FROM pgagent.pga_jobstep
 WHERE jstjobid = $1 AND jstenabled
 ORDER BY jstname, jstid`;

/**
 * $1 the run, $2 the step, $3 the job. id: the step's row, this statement's or, when it is a
 * repeat, the one its first try left running (a step runs once at a time in a run, and its row
 * stays 'r' until finishStep). NULL: not logged, and whether the job still exists and is ours.
 */
export const INSERT_STEP_RUN = `
WITH job AS (
  SELECT jobagentid IS NOT DISTINCT FROM pg_backend_pid() AS ours,
         EXISTS (SELECT 1 FROM pgagent.pga_jobstep WHERE jstid = $2 AND jstjobid = $3) AS has_step
    FROM pgagent.pga_job WHERE jobid = $3
), earlier AS (
  SELECT jslid FROM pgagent.pga_jobsteplog WHERE jsljlgid = $1 AND jsljstid = $2 AND jslstatus = 'r'
), ins AS (
  INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus)
  SELECT $1, $2, 'r' FROM job WHERE ours AND has_step AND NOT EXISTS (SELECT 1 FROM earlier)
  RETURNING jslid
)
SELECT COALESCE((SELECT jslid FROM ins), (SELECT min(jslid) FROM earlier JOIN job ON ours)) AS id,
       EXISTS (SELECT 1 FROM job) AS job_exists,
       COALESCE((SELECT ours FROM job), false) AS ours`;

export const FINISH_STEP_RUN = `
UPDATE pgagent.pga_jobsteplog
   SET jslstatus = $2, jslresult = $3, jslduration = make_interval(secs => $4), jsloutput = $5
 WHERE jslid = $1 AND jslstatus = 'r'`;

/**
 * Ends a run ($1, NULL if it was not logged): the log's status ($2) and duration ($3), a step
 * row still running recorded aborted, and the job ($4) released with jobnextrun NULL so the
 * trigger computes the next run. The job is released only while we hold it: if a sweep took
 * it from us, another agent may hold it now. With `lastStep`, the step that ended the run ($5)
 * gets its end as FINISH_STEP_RUN writes it ($6-$9) in the same statement; the other step rows
 * exclude it (one statement must not update a row twice).
 */
const finishRun = (lastStep: boolean): string => `
WITH ${
  lastStep
    ? `last_step AS (
  UPDATE pgagent.pga_jobsteplog
     SET jslstatus = $6, jslresult = $7, jslduration = make_interval(secs => $8), jsloutput = $9
   WHERE jslid = $5 AND jslstatus = 'r'
), `
    : ''
}unended_steps AS (
  UPDATE pgagent.pga_jobsteplog SET jslstatus = 'd'
   WHERE jsljlgid = $1 AND jslstatus = 'r'${lastStep ? ' AND jslid <> $5' : ''}
), run AS (
  UPDATE pgagent.pga_joblog SET jlgstatus = $2, jlgduration = make_interval(secs => $3)
   WHERE jlgid = $1 AND jlgstatus = 'r'
)
UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL
 WHERE jobid = $4 AND jobagentid = pg_backend_pid()`;

export const FINISH_RUN = finishRun(false);
export const FINISH_RUN_WITH_STEP = finishRun(true);

/** Fails (22P05) when the database's encoding cannot hold some character of $1. */
export const STORABLE = 'SELECT length($1::text) AS n';

/** 22P05 untranslatable character, 22021 invalid byte sequence for the encoding. */
const ENCODING_CODES = new Set(['22P05', '22021']);

export function runStore(submit: Submit, claimed: ClaimedRuns = new ClaimedRuns()): RunStore {
  const id = async (sql: string): Promise<number> => (await submit<{ id: number }>(sql)).rows[0].id;
  const fits = async (text: string): Promise<boolean> => {
    try {
      await submit(STORABLE, [text]);
      return true;
    } catch (e) {
      if (isEncodingError(e)) return false;
      throw e;
    }
  };
  const runEnds = new RunEnds(submit, async ({ runId, jobId, status, seconds, lastStep }) => {
    const run = [runId, status, seconds, jobId];
    const { rowCount } = lastStep
      ? await storingOutput(lastStep.end.output, fits, (text) => {
          const { end } = lastStep;
          return submit(FINISH_RUN_WITH_STEP, [
            ...run,
            lastStep.stepRunId,
            end.status,
            end.result,
            end.seconds,
            text,
          ]);
        })
      : await submit(FINISH_RUN, run);
    return rowCount === 1;
  });
  return {
    async startRun(jobId) {
      const claimedRunId = claimed.takeRunId(jobId);
      if (claimedRunId !== null) return claimedRunId;
      const runId = await id(NEXT_RUN_ID);
      const { logged } = (await submit<{ logged: boolean }>(INSERT_RUN, [runId, jobId])).rows[0];
      return logged ? runId : null;
    },
    async steps(jobId) {
      const fromClaim = claimed.takeSteps(jobId);
      if (fromClaim) return fromClaim;
      return (await submit<Step & Record<string, unknown>>(JOB_STEPS, [jobId])).rows;
    },
    async startStep(runId, jobId, stepId) {
      const claimedStepRunId = claimed.takeFirstStep(runId, stepId);
      if (claimedStepRunId !== null) return { id: claimedStepRunId };
      const r = (
        await submit<{ id: number | null; job_exists: boolean; ours: boolean }>(INSERT_STEP_RUN, [
          runId,
          stepId,
          jobId,
        ])
      ).rows[0];
      if (r.id !== null) return { id: r.id };
      return { missing: !r.job_exists ? 'job' : !r.ours ? 'claim' : 'step' };
    },
    async finishStep(stepRunId, { status, result, seconds, output }) {
      await storingOutput(output, fits, (text) =>
        submit(FINISH_STEP_RUN, [stepRunId, status, result, seconds, text]),
      );
    },
    async finishRun(runId, jobId, status, seconds, lastStep) {
      const released = await runEnds.write({ runId, jobId, status, seconds, lastStep });
      if (runId !== null) claimed.forget(runId);
      return released;
    },
  };
}

/** Writes a step's output; once more with '?' for what the database's encoding cannot hold if that failed. */
async function storingOutput<T>(
  output: string,
  fits: (text: string) => Promise<boolean>,
  write: (text: string) => Promise<T>,
): Promise<T> {
  try {
    return await write(output);
  } catch (e) {
    if (!isEncodingError(e)) throw e;
    return write(await replaceUnstorable(output, fits));
  }
}

function isEncodingError(e: unknown): boolean {
  return e instanceof DatabaseError && ENCODING_CODES.has(e.code ?? '');
}
