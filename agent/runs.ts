// The runs in progress: what a reconnect keeps, what shutdown waits for and cancels. A job may
// briefly have two: a run being stopped because a sweep took the job from us, and a new one.
import { AbortReason } from './status';

interface Run {
  jobId: number;
  controller: AbortController;
  done: Promise<void>;
}

export class Runs {
  private readonly runs = new Set<Run>();

  get size(): number {
    return this.runs.size;
  }

  jobIds(): number[] {
    return [...new Set([...this.runs].map((r) => r.jobId))];
  }

  /** Starts run(signal) for a job; onDone is called once it has ended. run must not reject. */
  start(jobId: number, run: (signal: AbortSignal) => Promise<void>, onDone: () => void): void {
    const controller = new AbortController();
    const entry: Run = { jobId, controller, done: Promise.resolve() };
    this.runs.add(entry);
    entry.done = run(controller.signal).finally(() => {
      this.runs.delete(entry);
      onDone();
    });
  }

  /** Aborts the given jobs' runs (all when jobIds is omitted); the reason decides what is recorded. */
  abort(reason: AbortReason, jobIds?: number[]): void {
    for (const r of this.runs) if (!jobIds || jobIds.includes(r.jobId)) r.controller.abort(reason);
  }

  /** Resolves true once every run has ended, false if ms passed first. */
  async settled(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const all = (async (): Promise<boolean> => {
      while (this.runs.size) await Promise.allSettled([...this.runs].map((r) => r.done));
      return true;
    })();
    const result = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return result;
  }
}
