// The job runner's decisions (which steps run, the statuses written, the job always released),
// against an in-memory RunStore: fast, no cluster. The statements behind the real RunStore are
// tested against servers in test/agent/jobs.test.ts and the others.
import { AgentEvents } from '../../agent/events';
import { runJob } from '../../agent/job-runner';
import { LastStep, RunStore, StepEnd } from '../../agent/sql/runs';
import { Status } from '../../agent/status';
import { Step, StepOutcome } from '../../agent/steps/step';
import { quietLogger } from '../helpers/loggers';

/** What the runner wrote, kept in memory; failRunEnd makes the first writes of the run's end throw. */
class MemoryStore implements RunStore {
  runs: { jobId: number; status?: Status }[] = [];
  stepEnds: (StepEnd & { stepRunId: number; withRunEnd?: boolean })[] = [];
  released: number[] = [];
  constructor(
    private readonly jobSteps: Step[],
    private failRunEnd = 0,
    private readonly ours = true,
  ) {}
  async startRun(jobId: number): Promise<number | null> {
    if (!this.ours) return null;
    return this.runs.push({ jobId });
  }
  async steps(): Promise<Step[]> {
    return this.jobSteps;
  }
  async startStep(_runId: number, _jobId: number, stepId: number): Promise<{ id: number }> {
    return { id: stepId };
  }
  async finishStep(stepRunId: number, end: StepEnd): Promise<void> {
    this.stepEnds.push({ stepRunId, ...end });
  }
  async finishRun(
    runId: number | null,
    jobId: number,
    status: Status,
    _seconds: number,
    lastStep?: LastStep,
  ): Promise<boolean> {
    if (this.failRunEnd-- > 0) throw new Error('could not obtain lock on row');
    if (lastStep) this.stepEnds.push({ stepRunId: lastStep.stepRunId, ...lastStep.end, withRunEnd: true });
    if (runId !== null) this.runs[runId - 1].status = status;
    this.released.push(jobId);
    return true;
  }
}

const step = (jstid: number, jstonerror = 'f', jstkind = 's'): Step => ({
  jstid,
  jstname: `step ${jstid}`,
  jstkind,
  jstcode: String(jstid),
  jstconnstr: '',
  jstdbname: 'postgres',
  jstonerror,
});

/** SQL steps whose code is the step id; the ids in `failing` fail. */
function run(store: MemoryStore, failing: number[] = [], signal = new AbortController().signal) {
  const ran: number[] = [];
  const sql = async (s: Step): Promise<StepOutcome> => {
    ran.push(s.jstid);
    return failing.includes(s.jstid)
      ? { ok: false, result: -1, output: 'ERROR: boom' }
      : { ok: true, result: 1, output: '' };
  };
  const deps = {
    store,
    steps: { s: sql },
    logger: quietLogger,
    events: new AgentEvents(),
    agentPid: () => 1,
    retryMs: { first: 1, max: 1 },
  };
  return runJob({ jobid: 7, jobname: 'j' }, deps, signal).then(() => ran);
}

test('all steps succeed: each is recorded s, the run s, the job released', async () => {
  const store = new MemoryStore([step(1), step(2)]);
  expect(await run(store)).toEqual([1, 2]);
  expect(store.stepEnds.map((e) => e.status)).toEqual(['s', 's']);
  expect(store.runs).toEqual([{ jobId: 7, status: 's' }]);
  expect(store.released).toEqual([7]);
});

test("a failed step with jstonerror 'f' fails the run and the steps after it do not run", async () => {
  const store = new MemoryStore([step(1), step(2), step(3)]);
  expect(await run(store, [2])).toEqual([1, 2]);
  expect(store.stepEnds.map((e) => e.status)).toEqual(['s', 'f']);
  expect(store.runs[0].status).toBe('f');
});

test("jstonerror 's' counts a failure as success, 'i' as ignored; the run goes on", async () => {
  const store = new MemoryStore([step(1, 's'), step(2, 'i'), step(3)]);
  expect(await run(store, [1, 2])).toEqual([1, 2, 3]);
  expect(store.stepEnds.map((e) => e.status)).toEqual(['s', 'i', 's']);
  expect(store.runs[0].status).toBe('s');
});

test("no enabled steps: the run is 'i' and the job released", async () => {
  const store = new MemoryStore([]);
  await run(store);
  expect(store.runs[0].status).toBe('i');
  expect(store.released).toEqual([7]);
});

test("an unknown step kind fails the step (jstonerror 'f')", async () => {
  const store = new MemoryStore([step(1, 'f', 'x')]);
  expect(await run(store)).toEqual([]);
  expect(store.stepEnds[0]).toMatchObject({ status: 'f', output: 'unknown step kind "x"' });
});

test('a refused write of the run end is retried until the job is released', async () => {
  const store = new MemoryStore([step(1)], 3);
  await run(store);
  expect(store.released).toEqual([7]);
  expect(store.runs[0].status).toBe('s');
});

test('a job no longer ours runs no step and writes nothing', async () => {
  const store = new MemoryStore([step(1)], 0, false);
  expect(await run(store)).toEqual([]);
  expect(store.released).toEqual([]);
});

test("an aborted run (shutdown) ends 'd' and is still released", async () => {
  const controller = new AbortController();
  controller.abort();
  const store = new MemoryStore([step(1)]);
  expect(await run(store, [], controller.signal)).toEqual([]);
  expect(store.runs[0].status).toBe('d');
  expect(store.released).toEqual([7]);
});

test('the step that ends the run is recorded with the run end, the steps before it on their own', async () => {
  const last = new MemoryStore([step(1), step(2)]);
  await run(last);
  expect(last.stepEnds.map((e) => [e.stepRunId, e.status, e.withRunEnd ?? false])).toEqual([
    [1, 's', false],
    [2, 's', true],
  ]);
  const failed = new MemoryStore([step(1), step(2), step(3)]);
  await run(failed, [2]);
  expect(failed.stepEnds.map((e) => [e.stepRunId, e.status, e.withRunEnd ?? false])).toEqual([
    [1, 's', false],
    [2, 'f', true],
  ]);
  expect(failed.runs[0].status).toBe('f');
});
