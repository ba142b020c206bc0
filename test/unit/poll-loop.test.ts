// The poll loop's decisions (what to run after a probe), against a scripted PollDb: fast, no
// cluster. The statements themselves are tested against real servers in the other files.
import { ClaimedJob } from '../../agent/job-runner';
import { PollDb, PollLoop } from '../../agent/loop';
import { Probe } from '../../agent/sql/poll';
import { sleep, waitFor } from '../helpers/wait';
import { quietLogger } from '../helpers/loggers';

const IDLE: Probe = { registered: true, peers: false, zombies: false, due: false, seconds: null };

class ScriptedDb implements PollDb {
  calls: string[] = [];
  idleSessionTimeoutMs = 0;
  quietWhenAlone = false;
  constructor(
    private readonly probes: Probe[],
    private readonly jobs: ClaimedJob[] = [],
  ) {}

  async probe(): Promise<Probe> {
    this.calls.push('probe');
    return this.probes.shift() ?? IDLE;
  }

  async sweepDeadAgents(): Promise<number> {
    this.calls.push('sweep');
    return 1;
  }

  async claim(_station: string, limit: number): Promise<ClaimedJob[]> {
    this.calls.push(`claim ${limit}`);
    return this.jobs.splice(0, limit);
  }

  async whenConnected(): Promise<void> {}

  registrationGone(): void {
    this.calls.push('gone');
  }
}

type LoopOpts = { running?: number; maxJobs?: number; pollSeconds?: number };

function startLoop(
  db: ScriptedDb,
  opts: LoopOpts,
  started: ClaimedJob[] = [],
): { loop: PollLoop; done: Promise<void> } {
  const loop = new PollLoop(
    { station: 'here', pollSeconds: opts.pollSeconds ?? 60, maxJobs: opts.maxJobs ?? 10 },
    { db, logger: quietLogger, running: () => opts.running ?? 0, startRun: (job) => started.push(job) },
  );
  return { loop, done: loop.run() };
}

const waitForCalls = (db: ScriptedDb, cond: () => boolean): Promise<unknown> =>
  waitFor(cond, { timeoutMs: 5_000, what: 'the loop', context: () => db.calls.join(', ') });

/** Runs the loop until cond holds for db, then stops it. */
async function runUntil(db: ScriptedDb, opts: LoopOpts, cond: () => boolean): Promise<ClaimedJob[]> {
  const started: ClaimedJob[] = [];
  const { loop, done } = startLoop(db, opts, started);
  await waitForCalls(db, cond);
  loop.stop();
  loop.wake();
  await done;
  return started;
}

test('an idle poll is one probe: no sweep, no claim', async () => {
  const db = new ScriptedDb([IDLE]);
  await runUntil(db, {}, () => db.calls.length >= 1);
  expect(db.calls).toEqual(['probe']);
});

test('a due job is claimed up to the free run slots, and each claimed job started', async () => {
  const jobs = [1, 2, 3].map((jobid) => ({ jobid, jobname: `j${jobid}` }));
  const db = new ScriptedDb([{ ...IDLE, due: true }], jobs);
  const started = await runUntil(db, { running: 3, maxJobs: 5 }, () => db.calls.includes('claim 2'));
  expect(db.calls.slice(0, 2)).toEqual(['probe', 'claim 2']);
  expect(started.map((j) => j.jobid)).toEqual([1, 2]);
});

test('no free slot: nothing is claimed although a job is due', async () => {
  const db = new ScriptedDb([{ ...IDLE, due: true }]);
  await runUntil(db, { running: 2, maxJobs: 2 }, () => db.calls.length >= 1);
  expect(db.calls).toEqual(['probe']);
});

test('a dead agent is swept, then the loop probes again at once (the sweep released jobs)', async () => {
  const db = new ScriptedDb([{ ...IDLE, zombies: true }, IDLE]);
  await runUntil(db, {}, () => db.calls.length >= 3);
  expect(db.calls).toEqual(['probe', 'sweep', 'probe']);
});

test('a lost registration starts over instead of claiming', async () => {
  const db = new ScriptedDb([{ ...IDLE, registered: false, due: true }, IDLE]);
  await runUntil(db, {}, () => db.calls.includes('gone'));
  expect(db.calls.slice(0, 2)).toEqual(['probe', 'gone']);
  expect(db.calls).not.toContain('claim 10');
});

test('a job due soon wakes the loop then, not a poll interval later', async () => {
  const db = new ScriptedDb([{ ...IDLE, seconds: 0.2 }]);
  await runUntil(db, { pollSeconds: 3600 }, () => db.calls.length >= 2);
  expect(db.calls.slice(0, 2)).toEqual(['probe', 'probe']);
});

test('a server ending idle sessions sooner than the poll interval: the loop probes within half that time', async () => {
  const db = new ScriptedDb([IDLE, IDLE]);
  db.idleSessionTimeoutMs = 400;
  await runUntil(db, { pollSeconds: 3600 }, () => db.calls.length >= 2);
  expect(db.calls.slice(0, 2)).toEqual(['probe', 'probe']);
});

describe('alone on its database', () => {
  const POLL = { pollSeconds: 0.02 };

  test('on a schema that notifies every change and arrival, the loop sleeps past -t until woken', async () => {
    const db = new ScriptedDb([]);
    db.quietWhenAlone = true;
    const { loop, done } = startLoop(db, POLL);
    await waitForCalls(db, () => db.calls.length >= 1);
    // 25 poll intervals: not polling in them is the quiet sleep (a minute), not a slow machine.
    await sleep(500);
    expect(db.calls).toEqual(['probe']);
    loop.wake(); // a notification: a job changed, or an agent arrived
    await waitForCalls(db, () => db.calls.length >= 2);
    loop.stop();
    loop.wake();
    await done;
  });

  test('with another agent registered, it polls at -t', async () => {
    const db = new ScriptedDb(Array(5).fill({ ...IDLE, peers: true }));
    db.quietWhenAlone = true;
    await runUntil(db, POLL, () => db.calls.length >= 3);
  });

  test('on a schema that does not notify arrivals (before 4.4), it polls at -t', async () => {
    const db = new ScriptedDb([]);
    await runUntil(db, POLL, () => db.calls.length >= 3);
  });
});
