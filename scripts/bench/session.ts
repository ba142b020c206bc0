// One measured run: a fresh database, agents started on it (each waited for until it has
// registered in pga_jobagent), and everything stopped and dropped afterwards.
import * as path from 'path';
import { AgentFlags, AgentKind, AgentName, BenchAgent } from './agents';
import { BenchContext } from './context';
import { BenchDb } from './db';
import { startMeter, Meter } from './meter';
import { poll } from '../../test/helpers/wait';

const REGISTER_TIMEOUT_MS = 20_000;
let instances = 0;

export interface RunningAgent {
  kind: AgentName;
  role: string;
  proc: BenchAgent;
  /** The backend pid of its service connection (its pga_jobagent.jagpid). */
  servicePid: number;
}

export class AgentStartError extends Error {}

/** The service backend pid the agent logged in with as `role`, once it has registered. */
export async function registeredPid(db: BenchDb, role: string): Promise<number | undefined> {
  const rows = await db.query<{ pid: number }>(
    `SELECT a.jagpid AS pid FROM pgagent.pga_jobagent a JOIN pg_stat_activity p ON p.pid = a.jagpid
      WHERE p.usename = $1`,
    [role],
  );
  return rows[0]?.pid;
}

export class Session {
  readonly agents: RunningAgent[] = [];

  constructor(
    private readonly ctx: BenchContext,
    readonly db: BenchDb,
    readonly label: string,
  ) {}

  /** Starts an agent as a new role and waits until it has registered. */
  async start(kind: AgentKind, flags: AgentFlags = {}): Promise<RunningAgent> {
    const role = `bench_${kind.name}_${++instances}`;
    await this.ctx.bench.ensureRole(role);
    const logPath = path.join(this.ctx.logDir, `${this.label}-${role}.log`);
    const proc = kind.start(this.db.conninfo(role), flags, logPath);
    const pid = await poll(
      async () => (proc.exit !== undefined ? -1 : registeredPid(this.db, role)),
      REGISTER_TIMEOUT_MS,
    );
    if (pid === undefined || pid < 0) {
      await proc.stop();
      const tail = proc.log.trim().split('\n').slice(-5).join(' | ');
      const why =
        pid === undefined
          ? `did not register within ${REGISTER_TIMEOUT_MS / 1000} s`
          : `exited (${proc.exit})`;
      throw new AgentStartError(`${kind.name} ${why}: ${tail || 'no output'}`);
    }
    const agent = { kind: kind.name, role, proc, servicePid: pid };
    this.agents.push(agent);
    return agent;
  }

  /** Starts measuring the given agents (default: all started so far). */
  async meter(agents: RunningAgent[] = this.agents): Promise<Meter> {
    return startMeter(
      agents.map((a) => a.proc),
      agents.map((a) => a.role),
      await this.db.connect(),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.proc.stop()));
  }
}

/** Runs fn with one fresh database per label; stops their agents and drops them afterwards. */
export async function withSessions<T>(
  ctx: BenchContext,
  labels: string[],
  fn: (s: Session[]) => Promise<T>,
): Promise<T> {
  const sessions: Session[] = [];
  try {
    for (const label of labels) sessions.push(new Session(ctx, await ctx.bench.createDb(label), label));
    return await fn(sessions);
  } finally {
    await Promise.all(sessions.map((s) => s.stopAll()));
    for (const s of sessions) await ctx.bench.dropDb(s.db);
  }
}

export async function withSession<T>(
  ctx: BenchContext,
  label: string,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  return withSessions(ctx, [label], ([s]) => fn(s));
}

export type PerAgent<T> = Partial<Record<AgentName, T | { error: string }>>;

export function failed<T>(r: T | { error: string } | undefined): r is { error: string } {
  return typeof r === 'object' && r !== null && 'error' in r;
}

/**
 * Runs fn once per available agent, one after the other (or all at once where the scenario is
 * bound by waiting, not CPU). An agent that fails is recorded with its error; the rest go on.
 */
export async function perAgent<T>(
  ctx: BenchContext,
  fn: (kind: AgentKind) => Promise<T>,
  opts: { concurrent?: boolean } = {},
): Promise<PerAgent<T>> {
  const out: PerAgent<T> = {};
  const one = async (kind: AgentKind): Promise<void> => {
    try {
      out[kind.name] = await fn(kind);
    } catch (e) {
      out[kind.name] = { error: e instanceof Error ? e.message : String(e) };
    }
  };
  if (opts.concurrent) await Promise.all(ctx.agents.map(one));
  else for (const kind of ctx.agents) await one(kind);
  return out;
}
