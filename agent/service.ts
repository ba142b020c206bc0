// The service connection: the agent's one connection to the database holding the pgagent
// schema, shared by the poll loop and every run (their statements go one after another). Its
// backend pid is the agent's identity in pga_jobagent, so a new connection registers again
// (service-session.ts). The database never ends the agent: until the connection works (server
// down, login refused, no schema, a standby) it retries every -r seconds; after a loss it
// reconnects at once, then backs off up to -r, so a short outage costs seconds and the lease
// it promised keeps other agents from taking it for dead meanwhile.
import { Client, ClientConfig } from 'pg';
import { reportSwept } from './dead-agents';
import { deferred, never } from './deferred';
import { Logger } from './logger';
import { describeError, isConnectionError } from './pg-errors';
import { ProblemLog } from './problem-log';
import { openPrimary } from './open-primary';
import { ServiceDown, ServiceHooks, ServiceOptions } from './service-hooks';
import { ConfigError, describeProblem } from './service-problems';
import { setUpSession } from './service-session';
import { deregisterAgent, sweepDeadAgents, SweptAgent } from './sql/agents';
import { clientDb, Db } from './sql/db';
import { Schema } from './sql/schema';
import { StatementQueue } from './sql/statement-queue';
import { backoffSeconds, sleep } from './timers';

export { ServiceDown } from './service-hooks';
export type { ServiceHooks, ServiceOptions } from './service-hooks';

export class ServiceConnection implements Db {
  private client: Client | null = null;
  private config: ClientConfig | null = null;
  private pid: number | null = null;
  private schema: Schema | null = null;
  private readonly statements = new StatementQueue();
  private ready = deferred();
  private readonly closing = new AbortController();
  private readonly problems: ProblemLog;

  constructor(
    private readonly options: ServiceOptions,
    private readonly hooks: ServiceHooks,
    private readonly logger: Logger,
  ) {
    this.problems = new ProblemLog(logger, hooks.problem);
  }

  /** The backend pid the agent is registered with. */
  get agentPid(): number | null {
    return this.pid;
  }

  /** The server the service connection reached: jstdbname steps run there. */
  get server(): { host?: string; port?: number } {
    return { host: this.config?.host, port: this.config?.port };
  }

  /**
   * The lease the agent promises (null on a schema without leases): a poll (at most -t apart)
   * renews it once half of it has passed (lease-renewal.ts) and, after a loss, is back within about -r.
   */
  get leaseSeconds(): number | null {
    return this.schema?.lease ? 2 * this.options.pollSeconds + this.options.retrySeconds : null;
  }

  /**
   * The schema notifies every job change (4.3) and every agent's arrival (4.4), so the poll
   * loop of an agent alone here may sleep longer than -t (loop.ts).
   */
  get quietWhenAlone(): boolean {
    return this.schema?.notifies ?? false;
  }

  /** The schema has job control (4.4): time limits and stop requests. */
  get jobControl(): boolean {
    return this.schema?.jobControl ?? false;
  }

  /** The service database's OID, once a connection has checked the schema. */
  get databaseOid(): number | null {
    return this.schema?.databaseOid ?? null;
  }

  /** The server ends sessions idle this long (ms; 0: never): the poll keeps ours busier. */
  get idleSessionTimeoutMs(): number {
    return this.schema?.idleSessionTimeoutMs ?? 0;
  }

  /**
   * Connects, checks the schema and registers, retrying every -r seconds for as long as that
   * fails. Resolves false if the agent was told to stop first; throws ConfigError only for a
   * connection string that cannot work.
   */
  async start(stop: AbortSignal): Promise<boolean> {
    const closing = this.closing.signal;
    while (!stop.aborted && !closing.aborted) {
      if (
        await this.attempt(
          'could not connect to the service database',
          `retrying every ${this.options.retrySeconds} s`,
        )
      )
        return true;
      await sleep(this.options.retrySeconds * 1000, stop, closing);
    }
    return false;
  }

  /** Runs a statement now; throws ServiceDown if the connection is down or drops meanwhile. */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<{ rows: R[]; rowCount: number }> {
    const client = this.client;
    if (!client) throw new ServiceDown('the service connection is down');
    try {
      return await this.statements.run<R>(client, sql, params);
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      this.lost(client, e);
      throw new ServiceDown(describeError(e));
    }
  }

  /**
   * Runs a statement once the connection is up, again after a reconnect if the connection
   * dropped meanwhile: only for statements that are safe to repeat. Throws ServiceDown once closed.
   */
  async submit<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<{ rows: R[]; rowCount: number }> {
    for (;;) {
      await this.whenConnected();
      try {
        return await this.query<R>(sql, params);
      } catch (e) {
        if (!(e instanceof ServiceDown)) throw e;
      }
    }
  }

  /** Resolves when the connection is up (or the signal aborts); rejects with ServiceDown once closed. */
  async whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.closing.signal.aborted) throw new ServiceDown('the service connection is closed');
    if (this.client || signal?.aborted) return;
    await Promise.race([
      this.ready.promise,
      signal ? new Promise((r) => signal.addEventListener('abort', r, { once: true })) : never,
    ]);
  }

  /** Clears dead agents and returns how many. Throws ServiceDown like query(). */
  async sweepDeadAgents(): Promise<number> {
    const swept = await sweepDeadAgents(this, this.leaseSeconds !== null);
    this.reportSwept(swept);
    return swept.length;
  }

  /** null while connected and registered; else why not (for /readyz). */
  notReadyReason(): string | null {
    if (this.closing.signal.aborted) return 'the agent is shutting down';
    if (this.client && this.pid !== null) return null;
    return this.problems.current ?? 'connecting to the service database';
  }

  private reportSwept(swept: SweptAgent[]): void {
    reportSwept(this.logger, swept);
    if (swept.length) this.hooks.swept?.(swept);
  }

  /**
   * Our pga_jobagent row is gone (deleted, or swept while we were frozen): start over on a new
   * connection, through the same path as after a lost one, so our runs are stopped as lost.
   */
  registrationGone(): void {
    if (this.client) this.lost(this.client, new Error("this agent's row in pgagent.pga_jobagent is gone"));
  }

  /** Deregisters (releasing any job still held) and closes the connection. */
  async close(): Promise<void> {
    this.closing.abort();
    this.ready.reject(new ServiceDown('the service connection is closed'));
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      await deregisterAgent(clientDb(client));
      this.logger.debug(`deregistered agent pid ${this.pid}`);
    } catch (e) {
      this.logger.error(`could not deregister: ${describeError(e)}`);
    }
    await client.end().catch(() => {});
  }

  /** One connection attempt; a failure is reported (once per reason) and returns false. */
  private async attempt(what: string, next: string): Promise<boolean> {
    try {
      await this.connect();
      this.problems.clear();
      return true;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      if (!this.closing.signal.aborted)
        this.problems.report(`${what}: ${describeProblem(e, this.options.params)}`, next, e);
      return false;
    }
  }

  private async connect(): Promise<void> {
    const client = await this.open();
    try {
      await setUpSession(client, {
        options: this.options,
        hooks: this.hooks,
        logger: this.logger,
        previousPid: this.pid,
        schemaFound: (schema) => (this.schema = schema),
        leaseSeconds: () => this.leaseSeconds,
        registeredAs: (pid) => (this.pid = pid),
        swept: (swept) => this.reportSwept(swept),
      });
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    if (this.closing.signal.aborted) {
      // Shutdown came while we were connecting: leave no registration behind.
      await deregisterAgent(clientDb(client)).catch(() => {});
      await client.end().catch(() => {});
      throw new ServiceDown('the service connection is closed');
    }
    this.client = client;
    this.ready.resolve();
  }

  private async open(): Promise<Client> {
    const { client, config } = await openPrimary(this.options.params, this.logger, (c) => {
      c.on('error', (e) => this.lost(c, e));
      c.on('end', () => this.lost(c, new Error('the server closed the connection')));
    });
    this.config = config;
    return client;
  }

  private lost(client: Client, e: unknown): void {
    if (client !== this.client || this.closing.signal.aborted) return;
    this.client = null;
    this.ready = deferred();
    client.end().catch(() => {});
    this.logger.error(`lost the connection to the service database: ${describeError(e)}; reconnecting`);
    this.hooks.connectionLost?.(describeError(e));
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const retry = this.options.retrySeconds;
    for (const delay of backoffSeconds(retry)) {
      await sleep(delay * 1000, this.closing.signal);
      if (this.closing.signal.aborted) return;
      if (
        await this.attempt('could not reconnect to the service database', `retrying at most every ${retry} s`)
      )
        return;
    }
  }
}
