// Connections for SQL steps: one small pool per target, so steps on the same database reuse
// connections instead of paying a login each. A target is a database on the service server
// (jstdbname) or a full libpq connection string (jstconnstr).
import { Client, PoolClient } from 'pg';
import { ConnectionPlan, connectionPlan, ConnParams, HostPool, parseConninfo, redactConninfo } from './libpq';
import { Logger } from './logger';
import { serverBusy } from './pg-errors';
import { sleep } from './timers';

/** Idle step connections are closed after this long. */
const IDLE_MS = 30_000;
/** How long close() waits for the pools: a connection attempt that never gets an answer must not hold shutdown. */
const CLOSE_WAIT_MS = 2_000;

/** Cancel a step's query, or end its backend, from another connection to the same server. */
const SIGNAL_BACKEND = {
  cancel: 'SELECT pg_cancel_backend($1)',
  terminate: 'SELECT pg_terminate_backend($1)',
};

/** Where an SQL step runs (the columns of pga_jobstep that say so). */
export interface StepTarget {
  jstconnstr: string;
  jstdbname: string;
}

export interface Target {
  pool: HostPool;
  /** How to name the target in logs and step output: never holds a password. */
  label: string;
}

export class TargetPools {
  private readonly pools = new Map<string, Target>();

  /**
   * serviceParams: the service connection string, parsed. serviceServer: the host and port the
   * service connection reached (of a libpq host list), where jstdbname databases live.
   */
  constructor(
    private readonly serviceParams: ConnParams,
    private readonly serviceServer: () => { host?: string; port?: number },
    private readonly maxPerTarget: number,
    private readonly logger: Logger,
  ) {}

  /**
   * The step's target: a jstconnstr may list several hosts, with target_session_attrs, as
   * libpq takes them. Throws ConninfoError for a malformed jstconnstr.
   */
  target(step: StepTarget): Target {
    const byName = step.jstconnstr === '';
    const key = byName ? `dbname:${step.jstdbname}` : `conninfo:${step.jstconnstr}`;
    let target = this.pools.get(key);
    if (!target) {
      const plan = byName
        ? () => this.serviceDatabase(step.jstdbname)
        : this.planOf(parseConninfo(step.jstconnstr));
      // A bad jstconnstr fails the step now, not at its first connection.
      plan();
      const label = byName ? `database "${step.jstdbname}"` : `"${redactConninfo(step.jstconnstr)}"`;
      // An idle connection broken by a server restart must not crash the agent; the pool drops it.
      // Pipelined: a step's naming, code and reset go out together (sql-step.ts).
      const pool = new HostPool(
        plan,
        { max: this.maxPerTarget, idleTimeoutMillis: IDLE_MS, pipeline: true },
        (e) => this.logger.debug(`idle step connection to ${label} closed: ${e.message}`),
      );
      target = { pool, label };
      this.pools.set(key, target);
    }
    return target;
  }

  /** Cancels the statement a step runs on backend pid, from a connection of its own. */
  async signalBackend(target: Target, pid: number, how: keyof typeof SIGNAL_BACKEND): Promise<void> {
    // A step runs on a pool connection, so the pool's config is known by now.
    const config = target.pool.config;
    if (!config) return;
    const client = new Client(config);
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(SIGNAL_BACKEND[how], [pid]);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(pools.map((t) => t.pool.end().catch(() => {}))), waited]);
    clearTimeout(timer);
  }

  private readonly warn = (msg: string): void => this.logger.warn(msg);

  private planOf(params: ConnParams): () => ConnectionPlan {
    return () => connectionPlan(params, { warn: this.warn });
  }

  // The server the service connection reached, whatever target_session_attrs it was chosen by.
  private serviceDatabase(dbname: string): ConnectionPlan {
    const { hosts } = connectionPlan({ ...this.serviceParams, dbname }, { warn: this.warn });
    const { host, port } = this.serviceServer();
    const reached = hosts.find((h) => h.attempts[0].host === host && h.port === port) ?? hosts[0];
    return { hosts: [reached], targetSessionAttrs: 'any' };
  }
}

const FIRST_BUSY_RETRY_MS = 250;
const MAX_BUSY_RETRY_MS = 5_000;

/**
 * A connection from the pool, waiting with back-off while the server is busy (another client
 * may hold every connection for a moment), up to maxWaitMs or until signal aborts. onBusy is
 * told of each wait; any other error is thrown at once.
 */
export async function connectWhenFree(
  pool: HostPool,
  signal: AbortSignal,
  maxWaitMs: number,
  onBusy: (e: unknown, waitMs: number) => void,
): Promise<PoolClient> {
  const giveUpAt = Date.now() + maxWaitMs;
  for (let waitMs = FIRST_BUSY_RETRY_MS; ; waitMs = Math.min(waitMs * 2, MAX_BUSY_RETRY_MS)) {
    try {
      return await pool.connect();
    } catch (e) {
      if (!serverBusy(e) || signal.aborted || Date.now() + waitMs > giveUpAt) throw e;
      onBusy(e, waitMs);
      await sleep(waitMs, signal);
    }
  }
}
