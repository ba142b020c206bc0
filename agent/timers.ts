// Waiting that can be cut short: by an abort signal, or by a Waker's wake().

/**
 * Resolves after ms, or as soon as one of the signals aborts. Never rejects. Takes several
 * signals itself because AbortSignal.any is newer than Node 18.
 */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  return new Promise((resolve) => {
    if (given.some((s) => s.aborted)) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      for (const s of given) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    for (const s of given) s.addEventListener('abort', done, { once: true });
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
    await sleep(ms, signal, this.controller.signal);
    this.controller = null;
    this.pending = false;
  }
}

/**
 * The waits (seconds) between reconnect attempts after a lost connection: at once, then 0.5,
 * 1, 2, ... seconds, each twice the last, at most maxSeconds (-r) apart. Endless.
 */
export function* backoffSeconds(maxSeconds: number, firstSeconds = 0.5): Generator<number> {
  for (let delay = 0; ; delay = Math.min(maxSeconds, Math.max(firstSeconds, delay * 2))) yield delay;
}

/** Seconds since `since` (a performance.now() reading). */
export function elapsedSeconds(since: number): number {
  return (performance.now() - since) / 1000;
}
