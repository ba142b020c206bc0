// Writing a run's or step's end until it succeeds: a lock, a revoked right or a trigger may
// refuse it for a while, and a job must never stay claimed because one write failed.
import { Logger } from './logger';
import { describeError } from './pg-errors';
import { ServiceDown } from './service';
import { sleep } from './timers';

export interface WriteRetry {
  logger: Logger;
  /** The agent's registered pid, for the log. */
  agentPid(): number | null;
  /** Back-off of a refused write: first wait and longest wait (ms). */
  retryMs?: { first: number; max: number };
}

const RETRY_MS = { first: 500, max: 30_000 };

/**
 * Runs write until it succeeds, waiting with back-off in between; the reason it fails is
 * logged once per change. Returns null when the service connection is closed for good.
 */
export async function untilWritten<T>(
  what: string,
  deps: WriteRetry,
  write: () => Promise<T>,
): Promise<{ value: T } | null> {
  const { first, max } = deps.retryMs ?? RETRY_MS;
  let lastReason: string | undefined;
  let attempts = 0;
  for (let waitMs = first; ; waitMs = Math.min(waitMs * 2, max)) {
    try {
      const value = await write();
      if (attempts) deps.logger.warn(`recorded ${what} after ${attempts + 1} attempts`);
      return { value };
    } catch (e) {
      if (e instanceof ServiceDown) {
        deps.logger.error(`could not record ${what}: ${e.message}`);
        return null;
      }
      attempts++;
      const reason = describeError(e);
      if (reason !== lastReason)
        deps.logger.error(`could not record ${what}: ${reason}; retrying until it succeeds`, {
          agent_pid: deps.agentPid(),
        });
      lastReason = reason;
      await sleep(waitMs);
    }
  }
}
