// What the service connection is given (its options) and tells the rest of the agent (its
// hooks), and the error its statements throw while it is down.
import { ConnParams } from './libpq';
import { SweptAgent } from './sql/agents';

/** The service connection is down (a reconnect is under way) or closed. */
export class ServiceDown extends Error {}

export interface ServiceHooks {
  /** The jobs this agent is running, to keep across a reconnect. */
  runningJobs(): number[];
  /** Jobs a reconnect could not keep: another agent recorded their runs aborted meanwhile. */
  jobsLost(jobIds: number[]): void;
  /** A job may have become due sooner than the agent knows (a NOTIFY on pgagent_job). */
  jobsChanged(): void;
  /** Someone may have asked for a run to stop (a NOTIFY on pgagent_stop). */
  stopRequested?(): void;
  /** Registered with this pid (at start, and again after each reconnect). */
  registered?(pid: number): void;
  /** A new reason the agent cannot work yet (reported once per change of reason). */
  problem?(message: string, cause?: unknown): void;
  /** The connection was lost (a reconnect follows). */
  connectionLost?(error: string): void;
  /** Dead agents this agent cleared. */
  swept?(agents: SweptAgent[]): void;
}

export interface ServiceOptions {
  params: ConnParams;
  station: string;
  pollSeconds: number;
  retrySeconds: number;
}
