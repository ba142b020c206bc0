// Notifications of ended runs for people and tools: --notify-webhook posts each ended run's
// summary (pgagent.run_summary(), the pgagent_run notification's JSON) to a URL,
// --notify-command pipes it into a command. Only runs this agent ran, so several agents never
// report one run twice; by default only failed and aborted ones (--notify-on all for every
// run). Delivery is in the background, bounded and retried (DeliveryQueue).
import { Logger } from '../logger';
import { runWithStdin } from './command';
import { DEFAULT_DELIVERY, DeliveryOptions, DeliveryQueue } from './delivery-queue';
import { postJson } from './webhook';

export type NotifyOn = 'failures' | 'all';

export interface NotifyOptions {
  webhook?: URL;
  command?: string;
  on: NotifyOn;
  timeoutMs: number;
  delivery?: DeliveryOptions;
}

export interface EndedRun {
  runId: number;
  status: string;
}

/** Runs one statement on the service connection. */
export type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

// Webhooks take more than NOTIFY's 8000 bytes.
const RUN_SUMMARY = 'SELECT pgagent.run_summary($1, 65536) AS summary';
const FAILED = new Set(['f', 'd']);

export interface RunNotifier {
  runEnded(run: EndedRun): void;
  close(): Promise<void>;
}

/** The notifier the options ask for, or null when they ask for none. */
export function createRunNotifier(options: NotifyOptions, query: Query, logger: Logger): RunNotifier | null {
  const send = sender(options);
  if (!send) return null;
  const deliver = async (runId: number, signal: AbortSignal): Promise<void> => {
    const summary = await fetchSummary(query, runId);
    if (summary !== null) await send(JSON.stringify(summary), signal);
  };
  const queue = new DeliveryQueue('run notification', deliver, options.delivery ?? DEFAULT_DELIVERY, logger);
  return {
    runEnded: (run) => {
      if (options.on === 'all' || FAILED.has(run.status)) queue.push(run.runId);
    },
    close: () => queue.close(),
  };
}

function sender(options: NotifyOptions): ((body: string, signal: AbortSignal) => Promise<void>) | null {
  const { webhook, command, timeoutMs } = options;
  if (webhook) return (body, signal) => postJson(webhook, body, timeoutMs, signal);
  if (command) return (body, signal) => runWithStdin(command, body, timeoutMs, signal);
  return null;
}

async function fetchSummary(query: Query, runId: number): Promise<unknown> {
  try {
    return (await query(RUN_SUMMARY, [runId])).rows[0]?.summary ?? null;
  } catch (e) {
    if ((e as { code?: string }).code === '42883') {
      throw new Error(
        'run notifications need pgagent 4.4 in the service database: ALTER EXTENSION pgagent UPDATE',
      );
    }
    throw new Error(`could not read run ${runId}: ${(e as Error).message}`);
  }
}
