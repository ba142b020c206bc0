// SQL steps: the code is sent as one simple-protocol query (several statements allowed, as
// pgAgent does) on a pooled connection to the step's target. jslresult is the number of rows the
// last statement affected (what libpq's PQcmdTuples reports for PQexec), -1 on failure; jsloutput
// holds the notices the step raised and, on failure, the error with SQLSTATE, detail, hint and
// context. Afterwards the connection is reset (an open transaction rolled back, DISCARD ALL) so
// nothing a step leaves behind reaches the next one; a connection that cannot be reset is closed.
import { PoolClient, Query, QueryResult } from 'pg';
import { ConninfoError } from '../libpq';
import { BoundedOutput } from '../output';
import { describeError, formatError, formatServerMessage, isConnectionError, ServerMessage } from '../pg-errors';
import { connectWhenFree, Target, TargetPools } from '../pools';
import { failedStep, Step, StepOutcome, StepRunner } from './step';

/**
 * How long a step waits for a connection while its server refuses them as busy (too many
 * clients, starting up) before it fails: another client may hold every connection for a moment.
 */
const BUSY_WAIT_MS = 60_000;
/** After a cancel request, how long the statement gets to stop before its connection is closed. */
const CANCEL_WAIT_MS = 5_000;

export function sqlStepRunner(pools: TargetPools): StepRunner {
  return async (step: Step, signal: AbortSignal): Promise<StepOutcome> => {
    let target: Target;
    try {
      target = pools.target(step);
    } catch (e) {
      if (e instanceof ConninfoError) return failedStep(`invalid connection string in step: ${e.message}`);
      throw e;
    }
    const output = new BoundedOutput();
    let client: PoolClient;
    try {
      client = await connectWhenFree(target.pool, signal, BUSY_WAIT_MS, (e, waitMs) =>
        output.appendLine(`[${target.label} is busy (${describeError(e)}); trying again in ${waitMs} ms]`),
      );
    } catch (e) {
      output.appendLine(`could not connect to ${target.label}: ${describeError(e)}`);
      return { ok: false, result: -1, output: output.text() };
    }
    return runOn(client, step.jstcode, output, signal, (pid) => pools.cancel(target, pid));
  };
}

async function runOn(
  client: PoolClient,
  code: string,
  output: BoundedOutput,
  signal: AbortSignal,
  cancelBackend: (pid: number) => Promise<void>,
): Promise<StepOutcome> {
  if (signal.aborted) {
    client.release();
    return failedStep(`not started: ${String(signal.reason)}`);
  }
  const onNotice = (n: ServerMessage): void => output.appendLine(formatServerMessage(n));
  let force: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    const pid = (client as unknown as { processID: number | null }).processID;
    if (pid) cancelBackend(pid).catch(() => {});
    // A server that does not answer the cancel: closing the socket ends the query for us.
    force = setTimeout(() => socketOf(client).destroy(), CANCEL_WAIT_MS);
  };
  client.on('notice', onNotice);
  signal.addEventListener('abort', onAbort, { once: true });
  let reusable = true;
  try {
    const res = await simpleQuery(client, code);
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    return { ok: true, result: last?.rowCount ?? 0, output: output.text() };
  } catch (e) {
    reusable = !isConnectionError(e);
    output.appendLine(formatError(e));
    if (signal.aborted) output.appendLine(`[cancelled: ${String(signal.reason)}]`);
    return { ok: false, result: -1, output: output.text() };
  } finally {
    clearTimeout(force);
    signal.removeEventListener('abort', onAbort);
    client.off('notice', onNotice);
    reusable = reusable && (await reset(client));
    client.release(!reusable);
  }
}

/**
 * Runs text as one simple-protocol query (no parameters), several statements allowed. Rows
 * are counted but not kept: a step selecting millions of rows must not fill the agent's memory.
 */
function simpleQuery(client: PoolClient, text: string): Promise<QueryResult | QueryResult[]> {
  return new Promise((resolve, reject) => {
    const query = new Query(text);
    query.on('row', () => {}); // a row listener and no callback: node-postgres does not accumulate rows
    query.on('end', resolve);
    query.on('error', reject);
    client.query(query);
  });
}

/** Leaves the session as a fresh one; false if that failed and the connection must go. */
async function reset(client: PoolClient): Promise<boolean> {
  try {
    if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK');
    await client.query('DISCARD ALL');
    return true;
  } catch {
    return false;
  }
}

function socketOf(client: PoolClient): { destroy(): void } {
  return (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;
}
