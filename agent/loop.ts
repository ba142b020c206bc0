// The poll loop: one read-only probe, then only if it says so clear dead agents and claim due
// jobs up to the free run slots, handing them to the run starter; then sleep until the earlier
// of the poll interval and the next job's jobnextrun (so a job due at 10:05:00 starts then, not
// up to a poll interval later). So an idle poll costs one statement. A finished run or a
// NOTIFY (a job changed) calls wake(), which ends the sleep early; wakes during a poll are
// coalesced into one more poll. While the service connection is down the loop waits for the
// reconnect.
import { DatabaseError } from 'pg';
import { ClaimedJob } from './job-runner';
import { Logger } from './logger';
import { describeError } from './pg-errors';
import * as q from './queries';
import { ServiceConnection, ServiceDown } from './service';
import { Waker } from './timers';

export interface LoopOptions {
  station: string;
  pollSeconds: number;
  maxJobs: number;
}

export interface LoopDeps {
  service: ServiceConnection;
  logger: Logger;
  /** How many runs are in progress. */
  running(): number;
  /** Starts a claimed job's run (without waiting for it). */
  startRun(job: ClaimedJob): void;
}

/** Added to the wait for the next due job, so that on waking it is due by the server's clock too. */
const DUE_MARGIN_MS = 5;

export class PollLoop {
  private readonly waker = new Waker();
  private readonly stopping = new AbortController();

  constructor(
    private readonly options: LoopOptions,
    private readonly deps: LoopDeps,
  ) {}

  /** Ends the current wait: something may be due (a run ended, a job was changed). */
  wake(): void {
    this.waker.wake();
  }

  /** Stops claiming; run() resolves after the current poll. */
  stop(): void {
    this.stopping.abort();
  }

  async run(): Promise<void> {
    const { service, logger } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let waitMs = this.options.pollSeconds * 1000;
      try {
        waitMs = await this.poll(waitMs);
      } catch (e) {
        if (e instanceof ServiceDown) {
          await service.whenConnected(signal).catch(() => {});
          continue;
        }
        if (e instanceof DatabaseError && e.code === '23503') {
          // The claim's foreign key to pga_jobagent failed: our registration row is gone.
          service.registrationGone();
          continue;
        }
        logger.error(`poll failed: ${describeError(e)}`);
      }
      await this.waker.sleep(waitMs, signal);
    }
  }

  /** One poll; returns how long to sleep. */
  private async poll(maxWaitMs: number): Promise<number> {
    const { service, logger } = this.deps;
    const { station, maxJobs } = this.options;
    const probe = (await service.query<Probe>(q.POLL_PROBE, [station])).rows[0];
    const swept = probe.zombies ? await service.sweepZombies() : 0;
    const free = maxJobs - this.deps.running();
    if (probe.due && free > 0 && !this.stopping.signal.aborted) {
      const claimed = (await service.query<{ jobid: number; jobname: string }>(q.CLAIM_DUE_JOBS, [station, free])).rows;
      for (const job of claimed) {
        logger.debug(`claimed job ${job.jobid} (${job.jobname})`);
        this.deps.startRun(job);
      }
    }
    // Jobs the sweep released have a new jobnextrun the probe did not see: look again at once.
    if (swept > 0) return 0;
    const next = probe.seconds;
    return next === null ? maxWaitMs : Math.min(maxWaitMs, Math.max(0, next * 1000) + DUE_MARGIN_MS);
  }
}

type Probe = {
  zombies: boolean;
  due: boolean;
  seconds: number | null;
};
