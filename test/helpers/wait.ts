// Waiting, for tests and the bench alike: every wait is bounded by a timeout (generous: the
// machine may be loaded), so a misbehaving agent costs a timeout, never a hung run.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls probe every intervalMs until it gives a value other than undefined, and returns it;
 * undefined once timeoutMs has passed. For the bench, which records a timeout, not fails on it.
 */
export async function poll<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

export interface WaitOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
  /** What is waited for, for the error. */
  what?: string;
  /** More to show when it times out (an agent's log, rows read). */
  context?: () => string;
}

/** Polls cond until it is true; throws after the timeout, naming what it waited for. */
export async function waitFor(cond: () => Promise<boolean> | boolean, opts: WaitOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const held = await poll(async () => ((await cond()) ? true : undefined), timeoutMs, opts.intervalMs);
  if (held) return;
  const context = opts.context ? `\n--- context ---\n${opts.context()}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'}${context}`);
}

/** Milliseconds until the next whole minute of the wall clock, plus offsetMs. */
export function msToNextMinute(offsetMs = 0): number {
  return 60_000 - (Date.now() % 60_000) + offsetMs;
}
