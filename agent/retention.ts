// History retention: when the database sets pgagent.history_retention, agents delete older
// runs now and then. The work is in the extension (apply_history_retention: the setting, the
// batches, one agent at a time by an advisory lock); this loop only calls it, a bounded batch
// per statement so no transaction runs long, until nothing is left, and logs what went.
import { Logger } from './logger';
import { sleep } from './timers';

const APPLY_RETENTION = 'SELECT pgagent.apply_history_retention($1) AS removed';
const RUNS_PER_STATEMENT = 1000;

export type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** One pass: purges until done; returns the runs removed, or null if retention is not set (or another agent is at it). */
export async function applyRetention(query: Query): Promise<number | null> {
  let total: number | null = null;
  for (;;) {
    const removed = (await query(APPLY_RETENTION, [RUNS_PER_STATEMENT])).rows[0].removed;
    if (removed === null) return total;
    total = (total ?? 0) + Number(removed);
    if (Number(removed) < RUNS_PER_STATEMENT) return total;
  }
}

/** The first pass waits at most this long: start-up (and an idle agent's first polls) stay quiet. */
const FIRST_PASS_MS = 60_000;

/** Applies retention soon after start and every intervalMs until the signal aborts. Never throws. */
export async function runRetention(
  query: Query,
  logger: Logger,
  intervalMs: number,
  signal: AbortSignal,
): Promise<void> {
  let lastError = '';
  await sleep(Math.min(intervalMs, FIRST_PASS_MS), signal);
  while (!signal.aborted) {
    try {
      const removed = await applyRetention(query);
      lastError = '';
      if (removed)
        logger.warn(`history retention: removed ${removed} old run(s) and their step logs`, { removed });
    } catch (e) {
      const code = (e as { code?: string }).code;
      // Before 4.4 there is no retention to apply; a lost connection is the service's to report.
      const quiet = code === '42883' || code === undefined || code.startsWith('08') || code.startsWith('57');
      const msg = (e as Error).message;
      if (!quiet && msg !== lastError) logger.error(`history retention failed: ${msg}`, { sqlstate: code });
      lastError = msg;
    }
    await sleep(intervalMs, signal);
  }
}
