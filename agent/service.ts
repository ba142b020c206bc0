// The service connection: the agent's one connection to the database holding the pgagent
// schema. Its backend pid is the agent's identity in pga_jobagent, so a new connection means a
// new identity: after a reconnect the agent registers again and, in the same transaction, moves
// the jobs it is still running to the new pid (see register()). Each connection also LISTENs
// for changed jobs, so a reconnect listens again.
import { Client, ClientConfig, DatabaseError } from 'pg';
import { connect, ConninfoError, ConnParams } from './libpq';
import { Logger } from './logger';
import { describeError, isConnectionError } from './pg-errors';
import * as q from './queries';
import { sleep } from './timers';

/** The agent cannot work with this database until someone fixes it: the message says how. */
export class StartupError extends Error {}

/** The service connection is down (a reconnect is under way) or closed. */
export class ServiceDown extends Error {}

export interface ServiceHooks {
  /** The jobs this agent is running, to keep across a reconnect. */
  runningJobs(): number[];
  /** Jobs a reconnect could not keep: another agent recorded their runs aborted meanwhile. */
  jobsLost(jobIds: number[]): void;
  /** A job may have become due sooner than the agent knows (a NOTIFY on pgagent_job). */
  jobsChanged(): void;
  /** start() could not connect yet and retries: the reason (once per attempt). */
  startupProblem?(e: unknown): void;
}

export interface ServiceOptions {
  params: ConnParams;
  station: string;
  retrySeconds: number;
}

// 28P01 wrong password, 28000 not allowed to log in, 3D000 no such database, 42501 no privilege.
const FATAL_CODES = new Set(['28P01', '28000', '3D000', '42501']);

export class ServiceConnection {
  private client: Client | null = null;
  private config: ClientConfig | null = null;
  private pid: number | null = null;
  /** The loop and every run share the one client: their statements go one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  private ready = deferred();
  private readonly closing = new AbortController();

  constructor(
    private readonly options: ServiceOptions,
    private readonly hooks: ServiceHooks,
    private readonly logger: Logger,
  ) {}

  /** The backend pid the agent is registered with. */
  get agentPid(): number | null {
    return this.pid;
  }

  /** The server the service connection reached: jstdbname steps run there. */
  get server(): { host?: string; port?: number } {
    return { host: this.config?.host, port: this.config?.port };
  }

  /**
   * Connects, checks the schema and registers. A server that is not reachable yet is retried
   * every retry interval; what needs a person (no schema, wrong version, login refused) throws
   * StartupError. Resolves false if the agent was told to stop before it got connected.
   */
  async start(stop: AbortSignal): Promise<boolean> {
    while (!stop.aborted) {
      try {
        await this.connect();
        return true;
      } catch (e) {
        if (e instanceof StartupError) throw e;
        if (isFatal(e)) throw new StartupError(fatalMessage(e, this.options.params));
        this.hooks.startupProblem?.(e);
        this.logger.error(`could not connect to the service database: ${describeError(e)}; retrying in ${this.options.retrySeconds} s`);
        await sleep(this.options.retrySeconds * 1000, stop, this.closing.signal);
      }
    }
    return false;
  }

  /** Runs a statement now; throws ServiceDown if the connection is down or drops meanwhile. */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
    const client = this.client;
    if (!client) throw new ServiceDown('the service connection is down');
    const res = this.queue.then(() => client.query(sql, params));
    this.queue = res.catch(() => {});
    try {
      const { rows, rowCount } = await res;
      return { rows: rows as R[], rowCount: rowCount ?? 0 };
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
  async submit<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
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
    await Promise.race([this.ready.promise, signal ? new Promise((r) => signal.addEventListener('abort', r, { once: true })) : never]);
  }

  /**
   * Clears dead agents (see SWEEP_ZOMBIES) and returns how many. Our own pid is alive, so it is
   * never among them. Throws ServiceDown like query().
   */
  async sweepZombies(): Promise<number> {
    const { rows } = await this.query(q.SWEEP_ZOMBIES, [[], []]);
    reportSwept(this.logger, rows);
    return rows.length;
  }

  /**
   * Someone deleted our pga_jobagent row (which released our jobs): start over on a new
   * connection, through the same path as after a lost one, so our runs are stopped as lost.
   */
  registrationGone(): void {
    if (this.client) this.lost(this.client, new Error('this agent\'s row in pgagent.pga_jobagent was deleted'));
  }

  /** Deregisters (releasing any job still held) and closes the connection. */
  async close(): Promise<void> {
    this.closing.abort();
    this.ready.reject(new ServiceDown('the service connection is closed'));
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      await client.query(q.DEREGISTER);
      this.logger.debug(`deregistered agent pid ${this.pid}`);
    } catch (e) {
      this.logger.error(`could not deregister: ${describeError(e)}`);
    }
    await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = await this.open();
    try {
      await checkSchema(client, this.options.params);
      // Listen before the loop's first probe on this connection, so no later change goes unheard.
      client.on('notification', () => this.hooks.jobsChanged());
      await client.query(q.LISTEN);
      await this.register(client);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    if (this.closing.signal.aborted) {
      // Shutdown came while we were connecting: leave no registration behind.
      await client.query(q.DEREGISTER).catch(() => {});
      await client.end().catch(() => {});
      throw new ServiceDown('the service connection is closed');
    }
    this.client = client;
    this.ready.resolve();
  }

  /** Connects to the first server of the (libpq) host list that answers and fits, as sslmode says. */
  private async open(): Promise<Client> {
    const client = await connect(this.options.params, { warn: (msg) => this.logger.warn(msg) }).catch((e: unknown) => {
      throw e instanceof ConninfoError ? new StartupError(`invalid connection string: ${describeError(e)}`) : e;
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('the server closed the connection')));
    this.config = { host: client.host, port: client.port };
    return client;
  }

  /**
   * Registers client's backend pid, in one transaction: a row already holding that pid is a
   * dead agent's (the server reused the pid) and is swept like any zombie. After a reconnect,
   * our previous row is locked first, so no other agent's sweep can clear it meanwhile (their
   * sweep skips locked rows); then the jobs we still run move to the new pid and the row goes.
   * If another agent swept it before we got here, those runs are already recorded aborted and
   * their jobs released: they are reported lost, and their results are not written.
   */
  private async register(client: Client): Promise<void> {
    const previous = this.pid;
    const running = previous === null ? [] : this.hooks.runningJobs();
    let kept: number[] = [];
    let swept: Record<string, unknown>[] = [];
    await client.query('BEGIN');
    try {
      const pid = (await client.query(q.BACKEND_PID)).rows[0].pid as number;
      const ours = previous !== null && (await client.query(q.TAKE_OVER_LOCK, [previous])).rowCount === 1;
      if (pid !== previous || !ours) {
        swept = (await client.query(q.SWEEP_ZOMBIES, [[pid], ours ? [previous] : []])).rows;
        await client.query(q.REGISTER, [this.options.station]);
      }
      if (ours) {
        kept = (await client.query(q.TAKE_OVER_JOBS, [previous, running])).rows.map((r) => r.jobid as number);
        await client.query(q.RELEASE_UNKNOWN, [previous, running]);
        if (pid !== previous) await client.query(q.DELETE_AGENT, [previous]);
      }
      await client.query('COMMIT');
      this.pid = pid;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
    reportSwept(this.logger, swept);
    if (previous === null) {
      this.logger.debug(`registered as agent pid ${this.pid} on station "${this.options.station}"`);
      return;
    }
    const lost = running.filter((j) => !kept.includes(j));
    this.logger.warn(`registered again as agent pid ${this.pid} (was ${previous}); kept ${kept.length} running job(s)`);
    if (lost.length) {
      this.logger.error(`job(s) ${lost.join(', ')} were recorded aborted by another agent while the connection was down; stopping them`);
      this.hooks.jobsLost(lost);
    }
  }

  private lost(client: Client, e: unknown): void {
    if (client !== this.client || this.closing.signal.aborted) return;
    this.client = null;
    this.ready = deferred();
    client.end().catch(() => {});
    this.logger.error(`lost the connection to the service database: ${describeError(e)}; reconnecting every ${this.options.retrySeconds} s`);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    while (!this.closing.signal.aborted) {
      await sleep(this.options.retrySeconds * 1000, this.closing.signal);
      if (this.closing.signal.aborted) return;
      try {
        await this.connect();
        return;
      } catch (e) {
        this.logger.error(`could not reconnect to the service database: ${describeError(e)}; next attempt in ${this.options.retrySeconds} s`);
      }
    }
  }
}

async function checkSchema(client: Client, params: ConnParams): Promise<void> {
  const db = params.dbname ? `database "${params.dbname}"` : 'the database';
  const { has_schema, has_version_function } = (await client.query(q.SCHEMA_CHECK)).rows[0];
  if (!has_schema || !has_version_function) {
    throw new StartupError(
      `${db} has no pgagent schema (pgagent.pga_job not found): connect the agent to the database where the pgagent extension is installed, or install it there with CREATE EXTENSION pgagent`,
    );
  }
  const version = Number((await client.query(q.SCHEMA_VERSION)).rows[0].version);
  if (version !== 4) {
    throw new StartupError(
      `pgagent.pgagent_schema_version() in ${db} is ${version}, this agent needs 4: update the extension with ALTER EXTENSION pgagent UPDATE`,
    );
  }
}

function isFatal(e: unknown): boolean {
  return fatalError(e) !== undefined;
}

/** The error that needs a person: e, or one of the attempts e aggregates (sslmode's fallbacks). */
function fatalError(e: unknown): Error | undefined {
  if (e instanceof AggregateError) return e.errors.map(fatalError).find(Boolean);
  if (e instanceof DatabaseError) return FATAL_CODES.has(e.code ?? '') ? e : undefined;
  // node-postgres refuses to start SCRAM or MD5 without a password.
  return e instanceof Error && /password/i.test(e.message) ? e : undefined;
}

function fatalMessage(e: unknown, params: ConnParams): string {
  const msg = `cannot use the service database: ${describeError(e)}`;
  const fatal = fatalError(e);
  const code = fatal instanceof DatabaseError ? fatal.code : undefined;
  if (code === '3D000') return `${msg}: check dbname in the connection string`;
  if (code === '42501') return `${msg}: the user${params.user ? ` "${params.user}"` : ''} needs rights on the pgagent schema`;
  return `${msg}: give the password in ~/.pgpass (or PGPASSFILE) or PGPASSWORD, not on the command line, and check pg_hba.conf`;
}

function reportSwept(logger: Logger, rows: Record<string, unknown>[]): void {
  for (const r of rows) {
    logger.warn(`cleared dead agent pid ${r.pid} on station "${r.station}": ${r.runs} running job(s) recorded aborted, ${r.jobs} job(s) released`);
  }
}

const never = new Promise<never>(() => {});

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
