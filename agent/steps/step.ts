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

export interface StepOutcome {
  /** The step did what it was asked (exit code 0, or the SQL ran without error). */
  ok: boolean;
  /** pga_jobsteplog.jslresult: exit code, or rows affected; -1 when there is none. */
  result: number;
  /** pga_jobsteplog.jsloutput, already bounded and safe to store. */
  output: string;
}

/**
 * Runs one step. The signal aborts it (agent shutdown, or the run was taken from us): the runner
 * then stops the work and resolves with what it has.
 */
export type StepRunner = (step: Step, signal: AbortSignal) => Promise<StepOutcome>;

/** A step that could not start or failed inside the agent: the reason is its output. */
export function failedStep(message: string, result = -1): StepOutcome {
  return { ok: false, result, output: message };
}
