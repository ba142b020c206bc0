// A run's or step's time limit: a signal that aborts with its parent (for the parent's reason)
// or, once the limit has passed, with a timeout reason (status.ts), which the job runner
// records as a failure instead of an abort.
import { AbortReason } from './status';

export interface TimeLimit {
  signal: AbortSignal;
  /** The run or step has ended: no timer, no listener left behind. */
  clear(): void;
}

/** seconds null: no limit of its own, the parent's signal alone. */
export function withTimeLimit(parent: AbortSignal, seconds: number | null, scope: 'run' | 'step'): TimeLimit {
  if (seconds === null) return { signal: parent, clear: () => {} };
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent.reason);
  if (parent.aborted) forward();
  parent.addEventListener('abort', forward, { once: true });
  const reason: AbortReason = { kind: 'timeout', seconds, scope };
  const timer = setTimeout(() => controller.abort(reason), seconds * 1000);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', forward);
    },
  };
}
