// Waiting helpers: every wait in the bench is bounded, so a misbehaving agent costs a timeout,
// never a hung run.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until it returns a value other than undefined, or until
 * `timeoutMs` has passed (then resolves undefined).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
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

/** Milliseconds until the next whole minute of the wall clock, plus `offsetMs`. */
export function msToNextMinute(offsetMs = 0): number {
  return 60_000 - (Date.now() % 60_000) + offsetMs;
}
