// The bench's side of the database: a template with our extension, a fresh database per run,
// and one login role per agent instance (so pg_stat_activity and pg_stat_statements can tell
// the agents apart).
import { Client, QueryResultRow } from 'pg';
import { Cluster } from '../cluster';

const TEMPLATE = 'bench_template';

export class BenchDb {
  private client: Client | undefined;

  constructor(
    readonly cluster: Cluster,
    readonly name: string,
  ) {}

  /** Connection string for an agent instance: its own role and application_name. */
  conninfo(role: string): string {
    return `${this.cluster.conninfo(this.name)} user=${role} application_name=${role}`;
  }

  /**
   * The bench's control connection, opened once and kept: at max_connections the agents may
   * take every slot, and a bench that then cannot connect measures nothing.
   */
  async query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]> {
    if (!this.client) {
      const c = new Client(this.cluster.clientConfig(this.name));
      c.on('error', () => (this.client = undefined)); // e.g. server restart; reconnect on next use
      await c.connect();
      this.client = c;
    }
    return (await this.client.query<T>(sql, params)).rows;
  }

  /** A separate connection (for concurrent sampling); the caller ends it. */
  async connect(): Promise<Client> {
    const c = new Client(this.cluster.clientConfig(this.name));
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

export class BenchCluster {
  private counter = 0;

  constructor(readonly cluster: Cluster) {}

  /** Creates the template (extension, pg_stat_statements in postgres); call once. */
  prepare(): void {
    this.cluster.psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    this.cluster.psql(`CREATE DATABASE ${TEMPLATE}`);
    this.cluster.psql('CREATE EXTENSION pgagent', TEMPLATE);
    // bench_sink: rows written by INSERT steps, with the role (= agent instance) that ran them;
    // bench_due: when each job was made due; bench_runs: which role started each run (a
    // trigger, since pga_joblog does not say which agent ran a job).
    this.cluster.psql(
      `CREATE TABLE public.bench_sink (jobid int4 NOT NULL, at timestamptz NOT NULL DEFAULT now(),
                                       agent name NOT NULL DEFAULT current_user);
       CREATE TABLE public.bench_due (jobid int4 NOT NULL, due timestamptz NOT NULL);
       CREATE TABLE public.bench_runs (jlgid int4 PRIMARY KEY, agent name NOT NULL DEFAULT current_user);
       CREATE FUNCTION public.bench_note_run() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN INSERT INTO public.bench_runs (jlgid) VALUES (NEW.jlgid); RETURN NULL; END $$;
       CREATE TRIGGER bench_note_run AFTER INSERT ON pgagent.pga_joblog
         FOR EACH ROW EXECUTE FUNCTION public.bench_note_run();`,
      TEMPLATE,
    );
  }

  async createDb(label: string): Promise<BenchDb> {
    const name = `b_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${++this.counter}`;
    await this.admin(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    return new BenchDb(this.cluster, name);
  }

  async dropDb(db: BenchDb): Promise<void> {
    await db.close();
    await this.admin(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  }

  /** A superuser login role, as pgAgent is usually run (as postgres). */
  async ensureRole(role: string): Promise<void> {
    await this.admin(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} SUPERUSER LOGIN; END IF; END $$`,
    );
  }

  /** Runs one statement in the postgres database on a short-lived connection. */
  async admin<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]> {
    const c = new Client(this.cluster.clientConfig('postgres'));
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }
}
