// A pg.Pool for a connect string with libpq's choice of server: what step targets run on.
import { ClientConfig, DatabaseError, Pool, PoolClient, PoolConfig } from 'pg';
import { connectFirst, Opened } from './connect';
import { ConnectionPlan } from './plan';

/**
 * A pg.Pool on the server a plan leads to: the first connection chooses the host and attempt
 * (as connect does) and the pool keeps it, so later connections pay no failed attempt. Should
 * the chosen server stop answering, the next connection chooses again (a standby promoted,
 * another host of the list).
 */
export class HostPool {
  private pool: Pool | null = null;
  private finding: Promise<PoolClient> | null = null;

  constructor(
    /** The plan, made anew for each choice. */
    private readonly plan: () => ConnectionPlan,
    private readonly options: PoolConfig,
    /** Errors of idle connections (e.g. a server restart), which the pool drops. */
    private readonly onIdleError: (e: Error) => void,
  ) {}

  /** The config connections use, once one succeeded. */
  get config(): ClientConfig | undefined {
    return this.pool?.options;
  }

  /** A connection from the pool; the first one chooses the server. */
  async connect(): Promise<PoolClient> {
    // Connections asked for meanwhile wait for the first one (no await otherwise: two
    // callers in the same tick must not both start looking).
    if (this.finding) await this.finding.catch(() => {});
    const pool = this.pool;
    if (pool) {
      try {
        return await pool.connect();
      } catch (e) {
        if (!unreachable(e)) throw e;
        // The server is gone: choose again among the plan's hosts.
        if (this.pool === pool) this.pool = null;
        pool.end().catch(() => {});
      }
    }
    return this.choose();
  }

  async end(): Promise<void> {
    if (this.finding) await this.finding.catch(() => {});
    await this.pool?.end();
  }

  private async choose(): Promise<PoolClient> {
    if (this.finding) return this.connect();
    const finding = connectFirst(this.plan(), (config) => this.tryPool(config)).then(({ value }) => {
      this.pool = value.pool;
      return value.client;
    });
    this.finding = finding;
    try {
      return await finding;
    } finally {
      if (this.finding === finding) this.finding = null;
    }
  }

  private async tryPool(config: ClientConfig): Promise<Opened<{ pool: Pool; client: PoolClient }>> {
    const pool = new Pool({ ...config, ...this.options });
    pool.on('error', this.onIdleError);
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return {
      value: { pool, client },
      session: client,
      close: async () => {
        client.release();
        await pool.end();
      },
    };
  }
}

// Never reached, rather than refused: a socket error, not a server's answer.
function unreachable(e: unknown): boolean {
  return !(e instanceof DatabaseError) && (e as NodeJS.ErrnoException | undefined)?.syscall !== undefined;
}
