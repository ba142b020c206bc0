// What a step runner gets and gives back; the job runner maps outcomes to pgAgent's statuses.

/** A row of pgagent.pga_jobstep, as much of it as running the step needs. */
export interface Step {
  jstid: number;
  jstname: string;
  jstkind: string; // 's' SQL, 'b' batch
  jstcode: string;
  jstconnstr: string;
  jstdbname: string;
  jstonerror: string; // 'f' fail the job, 's' count as success, 'i' ignore
}

/** The run a step belongs to. The signal aborts the step (see status.ts for why). */
export interface StepContext {
  jobId: number;
  runId: number;
  signal: AbortSignal;
}

export interface StepOutcome {
  /** The step did what it was asked (exit code 0, or the SQL ran without error). */
  ok: boolean;
  /** pga_jobsteplog.jslresult: exit code, or rows affected; -1 when there is none. */
  result: number;
  /** pga_jobsteplog.jsloutput, already bounded and safe to store. */
  output: string;
  /** For the log: what went wrong, in a line (default: the output's first line). */
  summary?: string;
  /** The server error's SQLSTATE, for SQL steps that failed with one. */
  sqlstate?: string;
  /** This agent does not run such steps: the step fails whatever its jstonerror says. */
  refused?: boolean;
}

/** Runs one step; resolves with what it has when the signal aborts. */
export type StepRunner = (step: Step, context: StepContext) => Promise<StepOutcome>;

/** A step that could not start or failed inside the agent: the reason is its output. */
export function failedStep(message: string, result = -1): StepOutcome {
  return { ok: false, result, output: message };
}
