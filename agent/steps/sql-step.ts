// SQL steps: the code is sent as one simple-protocol query (several statements allowed, as
// pgAgent does) on a pooled connection to the step's target, named `pgagent job <jobid> run
// <jlgid> db <oid>` (application_name; see stepConnectionName) while it runs, so a sweep can find
// and end it. jslresult is the
// number of rows the last statement affected (what libpq's PQcmdTuples reports for PQexec), -1
// on failure; jsloutput holds the notices the step raised and, on failure, the error with
// SQLSTATE, detail, hint and context. Rows are counted and their values never read (see
// rows-dropped.ts). Afterwards the connection is reset (an open transaction rolled back, with a
// note in the output, and DISCARD ALL) so nothing a step leaves behind reaches the next one; a
// connection that cannot be reset, that broke, or whose step was cancelled (a stop, a timeout,
// shutdown) is closed. A cancel that the statement ignores for 2 s terminates its backend.
// Naming, the step and DISCARD ALL go out in one write (see sendStep): one round trip a step.
import { DatabaseError, PoolClient, Query, QueryResult } from 'pg';
import { ConninfoError } from '../libpq';
import { BoundedOutput } from '../output';
import {
  describeError,
  formatError,
  formatServerMessage,
  isConnectionError,
  ServerMessage,
} from '../pg-errors';
import { connectWhenFree, Target, TargetPools } from '../pools';
import { abortReason, describeAbort } from '../status';
import { dropRows } from './rows-dropped';
import { failedStep, Step, StepContext, StepOutcome, StepRunner } from './step';

/**
 * How long a step waits for a connection while its server refuses them as busy (too many
 * clients, starting up) before it fails: another client may hold every connection for a moment.
 */
const BUSY_WAIT_MS = 60_000;
/** After a cancel request, how long the statement gets to stop before its backend is terminated. */
const TERMINATE_WAIT_MS = 2_000;
/** After a cancel request, how long the statement gets to stop before its connection is closed. */
const CANCEL_WAIT_MS = 5_000;

export const OPEN_TRANSACTION_NOTE =
  '[the step left a transaction open: the agent rolled it back, so its work since BEGIN was not kept]';

const SET_APPLICATION_NAME = "SELECT set_config('application_name', $1, false)";

/**
 * Job and run ids are per database, so the name also carries the service database's OID: a
 * sweep in one database must not end the step of another database's job with the same ids
 * (several agent databases on one server are common). Kept in step with agent/sql/agents.ts.
 */
export function stepConnectionName(jobId: number, runId: number, databaseOid: number | null): string {
  return `pgagent job ${jobId} run ${runId} db ${databaseOid ?? 0}`;
}

/** databaseOid: the service database's (null before the first connection checked it). */
export function sqlStepRunner(pools: TargetPools, databaseOid: () => number | null): StepRunner {
  return async (step: Step, context: StepContext): Promise<StepOutcome> => {
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
      client = await untilAborted(
        connectWhenFree(target.pool, context.signal, BUSY_WAIT_MS, (e, waitMs) =>
          output.appendLine(`[${target.label} is busy (${describeError(e)}); trying again in ${waitMs} ms]`),
        ),
        context.signal,
      );
    } catch (e) {
      output.appendLine(`could not connect to ${target.label}: ${describeError(e)}`);
      return {
        ok: false,
        result: -1,
        output: output.text(),
        summary: `could not connect to ${target.label}: ${describeError(e)}`,
      };
    }
    const name = stepConnectionName(context.jobId, context.runId, databaseOid());
    return runOn(client, step.jstcode, name, output, context, (pid, how) =>
      pools.signalBackend(target, pid, how),
    );
  };
}

/** The connection, or a rejection as soon as the signal aborts (a connection made later is closed). */
function untilAborted(connecting: Promise<PoolClient>, signal: AbortSignal): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error(`not connected: ${describeAbort(abortReason(signal)!)}`));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    connecting.then(
      (client) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) client.release(true);
        else resolve(client);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function runOn(
  client: PoolClient,
  code: string,
  name: string,
  output: BoundedOutput,
  { signal }: StepContext,
  signalBackend: (pid: number, how: 'cancel' | 'terminate') => Promise<void>,
): Promise<StepOutcome> {
  // The pool listens for errors only while a connection is idle: without a listener of ours, a
  // connection that breaks under a step (a server crash, a killed backend) would kill the agent.
  let broken: Error | undefined;
  const onError = (e: Error): void => void (broken = e);
  client.on('error', onError);
  const onNotice = (n: ServerMessage): void => output.appendLine(formatServerMessage(n));
  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => {
    const pid = (client as unknown as { processID: number | null }).processID;
    // A statement that ignores the cancel (it may be in a C function that never checks):
    // its backend is terminated; a server that answers neither: closing the socket ends the query for us.
    if (pid) {
      signalBackend(pid, 'cancel').catch(() => {});
      timers.push(setTimeout(() => signalBackend(pid, 'terminate').catch(() => {}), TERMINATE_WAIT_MS));
    }
    timers.push(setTimeout(() => socketOf(client).destroy(), CANCEL_WAIT_MS));
  };
  let reusable = true;
  let discarded: Promise<boolean> | null = null;
  try {
    dropRows(client);
    if (signal.aborted) return failedStep(`not started: ${describeAbort(abortReason(signal)!)}`);
    client.on('notice', onNotice);
    signal.addEventListener('abort', onAbort, { once: true });
    const sent = sendStep(client, name, code);
    discarded = sent.discarded;
    const { res, transaction } = await sent.running;
    const namingError = await sent.naming;
    if (namingError)
      output.appendLine(
        `[could not set application_name, by which a sweep finds the step: ${describeError(namingError)}]`,
      );
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    if (transaction === 'T') output.appendLine(OPEN_TRANSACTION_NOTE);
    return { ok: true, result: last?.rowCount ?? 0, output: output.text() };
  } catch (e) {
    reusable = !isConnectionError(e);
    const error = formatError(broken && !(e instanceof DatabaseError) ? lostConnection(broken) : e);
    output.appendLine(error);
    if (signal.aborted) output.appendLine(`[cancelled: ${describeAbort(abortReason(signal)!)}]`);
    return {
      ok: false,
      result: -1,
      output: output.text(),
      summary: error.split('\n')[0],
      sqlstate: e instanceof DatabaseError ? e.code : undefined,
    };
  } finally {
    timers.forEach(clearTimeout);
    signal.removeEventListener('abort', onAbort);
    client.off('notice', onNotice);
    // A cancelled step's connection goes with it: its backend is gone when the step has ended.
    reusable = reusable && !broken && !signal.aborted && ((await discarded) || (await reset(client)));
    client.off('error', onError);
    client.release(!reusable);
  }
}

function lostConnection(e: Error): Error {
  return new Error(
    `the connection to the server was lost while the step ran (${e.message}): the server may have restarted or the backend been terminated`,
  );
}

interface SentStep {
  /** Settles with the error that kept the connection from being named, or null. */
  naming: Promise<Error | null>;
  running: Promise<StepResult>;
  /** Whether DISCARD ALL, sent behind the step, left the session fresh; null if not sent. */
  discarded: Promise<boolean> | null;
}

interface StepResult {
  res: QueryResult | QueryResult[];
  /** The session's transaction status right after the step (I idle, T open, E failed). */
  transaction: string | null;
}

/**
 * Names the connection, runs the step and, unless the step may read COPY data, resets the
 * session behind it: sent in one socket write (step pools pipeline), so a step costs one round
 * trip. The step runs even if naming failed. DISCARD ALL fails when the step left a
 * transaction open; reset() then does the rest.
 */
function sendStep(client: PoolClient, name: string, code: string): SentStep {
  const socket = socketOf(client);
  socket.cork();
  try {
    const naming = client.query(SET_APPLICATION_NAME, [name]).then(
      () => null,
      (e: Error) => e,
    );
    const running = simpleQuery(client, code);
    const discarded = mayCopyIn(code)
      ? null
      : client.query('DISCARD ALL').then(
          () => true,
          () => false,
        );
    return { naming, running, discarded };
  } finally {
    socket.uncork();
  }
}

/**
 * Whether the step could start a COPY FROM STDIN. The server would take the statement sent
 * behind the step for COPY data, fail the COPY with a protocol error and end the connection.
 * Such a COPY needs the keyword at the top level of the text, so text without "copy" in any
 * case cannot.
 */
function mayCopyIn(code: string): boolean {
  return /copy/i.test(code);
}

/**
 * Runs text as one simple-protocol query (no parameters), several statements allowed. Rows
 * are counted but not kept: a step selecting millions of rows must not fill the agent's memory.
 */
function simpleQuery(client: PoolClient, text: string): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const query = new Query(text);
    query.on('row', () => {}); // a row listener and no callback: node-postgres does not accumulate rows
    // Read at once: the answers to what was sent behind the step may already be in hand.
    query.on('end', (res: QueryResult | QueryResult[]) =>
      resolve({ res, transaction: client.getTransactionStatus() }),
    );
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

interface Socket {
  destroy(): void;
  cork(): void;
  uncork(): void;
}

function socketOf(client: PoolClient): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}
