// Waiting that can be cut short: by an abort signal, or by a Waker's wake().

/** Resolves after ms, or as soon as the signal aborts. Never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A sleep another part of the agent can end early (a run finished, later a NOTIFY). A wake()
 * while nobody sleeps is remembered, so the next sleep returns at once instead of missing it.
 */
export class Waker {
  private pending = false;
  private controller: AbortController | null = null;

  wake(): void {
    this.pending = true;
    this.controller?.abort();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    this.controller = new AbortController();
    const both = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    await sleep(ms, both);
    this.controller = null;
    this.pending = false;
  }
}
