// Why the agent cannot work yet, logged once per change of reason: a service retrying for
// hours writes one error line per cause, not one per attempt.
import { Logger } from './logger';

export class ProblemLog {
  private last: string | null = null;

  constructor(
    private readonly logger: Logger,
    /** Called with each new reason and the error behind it (the detach parent reports the first). */
    private readonly onNew?: (reason: string, cause?: unknown) => void,
  ) {}

  /** The reason the agent cannot work right now, if any. */
  get current(): string | null {
    return this.last;
  }

  /** reason: what is wrong; next: when the agent tries again; cause: the error, if any. */
  report(reason: string, next: string, cause?: unknown): void {
    if (reason === this.last) {
      this.logger.debug(`${reason}; ${next}`);
      return;
    }
    this.last = reason;
    this.logger.error(`${reason}; ${next}`);
    this.onNew?.(reason, cause);
  }

  /** The problem is gone; the next one is logged again even if it is the same. */
  clear(): void {
    this.last = null;
  }
}
