// The poll loop: one probe (which renews the agent's lease when half of it has passed), then only if it says so
// clear dead agents and claim due jobs up to the free run slots, handing them to the run
// starter; then sleep until the earlier of the poll interval and the next job's jobnextrun (so
// a job due at 10:05:00 starts then, not up to a poll interval later). So an idle poll costs
// one statement, and in a burst each run's end costs one claim. A finished run or a NOTIFY (a job changed) calls wake(), which ends the sleep
// early; wakes during a poll are coalesced into one more poll. While the service connection is
// down the loop waits for the reconnect. Alone on a database whose triggers tell it of every
// change, also of other agents arriving (4.4), the loop sleeps up to a minute between polls
// whatever -t says: nothing can become due sooner unannounced.
import { DatabaseError } from 'pg';
import { ClaimedJob } from './job-runner';
import { Logger } from './logger';
import { LeaseRenewal } from './lease-renewal';
import { describeError } from './pg-errors';
import { ServiceConnection, ServiceDown } from './service';
import { claimDueJobs, probe, Probe } from './sql/poll';
import { ClaimedRuns } from './sql/claimed-runs';
import { Waker } from './timers';

export interface LoopOptions {
  station: string;
  pollSeconds: number;
  maxJobs: number;
}

/** What the loop needs of the database; its statements throw ServiceDown while it is down. */
export interface PollDb {
  probe(station: string): Promise<Probe>;
  sweepDeadAgents(): Promise<number>;
  claim(station: string, limit: number): Promise<ClaimedJob[]>;
  /** Resolves once the connection is back (or the signal aborts). */
  whenConnected(signal: AbortSignal): Promise<void>;
  /** Our registration row is gone: start over as after a lost connection. */
  registrationGone(): void;
  /** The server ends sessions idle this long (ms; 0: never). */
  idleSessionTimeoutMs: number;
  /** The schema notifies every job change and every agent's arrival (4.4). */
  quietWhenAlone: boolean;
}

export interface LoopDeps {
  db: PollDb;
  logger: Logger;
  /** How many runs are in progress. */
  running(): number;
  /** Starts a claimed job's run (without waiting for it). */
  startRun(job: ClaimedJob): void;
  /** A poll went through (for the metrics' last-poll time). */
  polled?(): void;
}

/** Added to the wait for the next due job, so that on waking it is due by the server's clock too. */
const DUE_MARGIN_MS = 5;

/**
 * The longest sleep of an agent alone on a database that notifies (quietWhenAlone): a change
 * made with its triggers off (session_replication_role = replica) is still seen within it.
 */
export const QUIET_POLL_MS = 60_000;

/** The service connection as the loop's database; the claim's logged runs go to `claimed`. */
export function pollDb(service: ServiceConnection, claimed: ClaimedRuns): PollDb {
  const renewal = new LeaseRenewal();
  return {
    probe: (station) => probe(service, station, service.leaseSeconds, renewal),
    sweepDeadAgents: () => service.sweepDeadAgents(),
    claim: (station, limit) => claimDueJobs(service, station, limit, claimed, service.jobControl),
    whenConnected: (signal) => service.whenConnected(signal),
    registrationGone: () => service.registrationGone(),
    get idleSessionTimeoutMs() {
      return service.idleSessionTimeoutMs;
    },
    get quietWhenAlone() {
      return service.quietWhenAlone;
    },
  };
}

export class PollLoop {
  private readonly waker = new Waker();
  private readonly stopping = new AbortController();
  /** The last claim took as many jobs as it could: more may be due. */
  private backlog = false;
  /** performance.now() of the last probe. */
  private probedAt = -Infinity;

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
    const { db, logger } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let waitMs = this.maxWaitMs(false);
      try {
        waitMs = await this.poll();
      } catch (e) {
        if (e instanceof ServiceDown) {
          await db.whenConnected(signal).catch(() => {});
          continue;
        }
        if (e instanceof DatabaseError && e.code === '23503') {
          // The claim's foreign key to pga_jobagent failed: our registration row is gone.
          db.registrationGone();
          continue;
        }
        logger.error(`poll failed: ${describeError(e)}`);
      }
      await this.waker.sleep(waitMs, signal);
    }
  }

  /**
   * The poll interval (at least QUIET_POLL_MS when `quiet`), or less if the server would
   * otherwise end our session as idle.
   */
  private maxWaitMs(quiet: boolean): number {
    const pollMs = this.options.pollSeconds * 1000;
    const waitMs = quiet && this.deps.db.quietWhenAlone ? Math.max(pollMs, QUIET_POLL_MS) : pollMs;
    const idleMs = this.deps.db.idleSessionTimeoutMs;
    return idleMs > 0 ? Math.min(waitMs, idleMs / 2) : waitMs;
  }

  /** One poll; returns how long to sleep. */
  private async poll(): Promise<number> {
    const { db, logger } = this.deps;
    const { station, maxJobs } = this.options;
    const free = maxJobs - this.deps.running();
    // Not stretched when alone: an agent arriving is noticed (and our lease renewed) at a probe.
    if (this.backlog && free > 0 && performance.now() - this.probedAt < this.maxWaitMs(false) / 2) {
      await this.claim(free);
      return this.backlog ? this.maxWaitMs(false) : 0; // the backlog is gone: probe for the next due time
    }
    this.backlog = false;
    const probe = await db.probe(station);
    this.probedAt = performance.now();
    const maxWaitMs = this.maxWaitMs(!probe.peers);
    if (!probe.registered) {
      logger.error(
        "this agent's registration in pgagent.pga_jobagent is gone (another agent took it for dead?): registering again",
      );
      db.registrationGone();
      return 0;
    }
    const swept = probe.zombies ? await db.sweepDeadAgents() : 0;
    if (probe.due && free > 0) await this.claim(free);
    else this.deps.polled?.();
    // Jobs the sweep released have a new jobnextrun the probe did not see: look again at once.
    if (swept > 0) return 0;
    const next = probe.seconds;
    return next === null ? maxWaitMs : Math.min(maxWaitMs, Math.max(0, next * 1000) + DUE_MARGIN_MS);
  }

  /**
   * Claims up to `free` due jobs and starts their runs. A claim that fills every free slot
   * leaves a backlog: the polls woken by those runs' ends claim again without a probe, for
   * up to half a poll interval since the last one (which clears dead agents and renews the
   * lease when due); the ends of the runs started wake the loop.
   */
  private async claim(free: number): Promise<void> {
    this.backlog = false;
    if (this.stopping.signal.aborted) return;
    const jobs = await this.deps.db.claim(this.options.station, free);
    for (const job of jobs) {
      this.deps.logger.debug(`claimed job ${job.jobid} (${job.jobname})`);
      this.deps.startRun(job);
    }
    this.backlog = jobs.length === free;
    this.deps.polled?.();
  }
}
