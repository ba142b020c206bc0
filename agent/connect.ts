// libpq's sslmode=allow and prefer for node-postgres, which cannot fall back by itself: a
// connection tries each of its attempts (connectionAttempts) in turn, moving on where libpq
// does: when the server refused TLS, the TLS handshake failed or the server rejected the login.
import { ClientConfig, DatabaseError, Pool, PoolClient, PoolConfig } from 'pg';
import { describeError } from './pg-errors';
import { sleep } from './timers';

/**
 * Calls connect with each attempt in turn until one succeeds. Throws each attempt's error, as
 * libpq reports them all (an AggregateError for several), but an error that repeats only once.
 */
export async function firstThatConnects<T>(attempts: ClientConfig[], connect: (config: ClientConfig) => Promise<T>): Promise<T> {
  const errors: unknown[] = [];
  for (const config of attempts) {
    try {
      return await connect(config);
    } catch (e) {
      errors.push(e);
      if (!worthAnotherAttempt(e)) break;
    }
  }
  const distinct = errors.filter((e, i) => errors.findIndex((other) => describeError(other) === describeError(e)) === i);
  throw distinct.length === 1 ? distinct[0] : new AggregateError(distinct, 'every connection attempt failed');
}

// Not when the server was never reached (TCP connect, name lookup, connect_timeout) or is
// starting up or shutting down (57P03): libpq moves on to the next host then.
function worthAnotherAttempt(e: unknown): boolean {
  if (e instanceof DatabaseError) return e.code !== '57P03';
  if (!(e instanceof Error)) return false;
  const { syscall } = e as NodeJS.ErrnoException;
  return syscall !== 'connect' && syscall !== 'getaddrinfo' && e.message !== 'timeout expired';
}

/**
 * A pg.Pool whose attempt is found on its first connection and kept: steps pay no failed
 * attempt each. Until a connection succeeds, every connect() tries all attempts again.
 */
export class FallbackPool {
  private pool: Pool | null = null;
  private finding: Promise<PoolClient> | null = null;

  constructor(
    private readonly attempts: ClientConfig[],
    private readonly options: PoolConfig,
    /** Errors of idle connections (e.g. a server restart), which the pool drops. */
    private readonly onIdleError: (e: Error) => void,
  ) {}

  /** The config connections use, once one succeeded. */
  get config(): ClientConfig | undefined {
    return this.pool?.options;
  }

  /** A connection from the pool; the first one finds the attempt that works. */
  async connect(): Promise<PoolClient> {
    // Connections asked for meanwhile wait for the first one (no await otherwise: two
    // callers in the same tick must not both start looking).
    if (this.finding) await this.finding.catch(() => {});
    if (this.pool) return this.pool.connect();
    const finding = firstThatConnects(this.attempts, (config) => this.tryPool(config));
    this.finding = finding;
    try {
      return await finding;
    } finally {
      if (this.finding === finding) this.finding = null;
    }
  }

  async end(): Promise<void> {
    if (this.finding) await this.finding.catch(() => {});
    await this.pool?.end();
  }

  private async tryPool(config: ClientConfig): Promise<PoolClient> {
    const pool = new Pool({ ...config, ...this.options });
    pool.on('error', this.onIdleError);
    try {
      const client = await pool.connect();
      this.pool = pool;
      return client;
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
}

/** Refusals that pass by themselves: too many clients (53300), server starting up (57P03). */
const BUSY_CODES = new Set(['53300', '57P03']);

export function serverBusy(e: unknown): boolean {
  if (e instanceof AggregateError) return e.errors.some(serverBusy);
  return e instanceof DatabaseError && BUSY_CODES.has(e.code ?? '');
}

const FIRST_BUSY_RETRY_MS = 250;
const MAX_BUSY_RETRY_MS = 5_000;

/**
 * A connection from the pool, waiting with back-off while the server is busy (another client
 * may hold every connection for a moment), up to maxWaitMs or until signal aborts. onBusy is
 * told of each wait; any other error is thrown at once.
 */
export async function connectWhenFree(
  pool: FallbackPool,
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
