// Connecting as libpq does, for node-postgres: each host of the plan in order, each of its
// sslmode attempts in turn, until a server accepts the login and its session is what
// target_session_attrs asks for; prefer-standby takes any server when no standby answered.
// What failed is reported in libpq's words, one line per host and attempt (messages.ts).
import { Client, ClientBase, ClientConfig, DatabaseError } from 'pg';
import { ConnParams } from './conninfo';
import { attemptFailure, AttemptFailure, ConnectionFailure, SessionRejected, tlsRefused } from './messages';
import { ConnectionPlan, connectionPlan, PlannedHost, PlanOptions, TargetSessionAttrs } from './plan';

/** A connection made by an attempt: the session to check, and how to give it up. */
export interface Opened<T> {
  value: T;
  session: ClientBase;
  close(): Promise<void>;
}

export interface Chosen<T> {
  value: T;
  host: PlannedHost;
  config: ClientConfig;
}

/**
 * Opens a connection on the first host and attempt of plan that connects and fits its
 * target_session_attrs. Throws ConnectionFailure, listing every attempt's failure.
 */
export async function connectFirst<T>(
  plan: ConnectionPlan,
  open: (config: ClientConfig) => Promise<Opened<T>>,
): Promise<Chosen<T>> {
  const failures: AttemptFailure[] = [];
  // libpq's prefer-standby: a pass that wants a standby, then, if none answered, one taking any.
  const passes: TargetSessionAttrs[] =
    plan.targetSessionAttrs === 'prefer-standby' ? ['standby', 'any'] : [plan.targetSessionAttrs];
  for (const wanted of passes) {
    for (const host of plan.hosts) {
      const failed: unknown[] = [];
      for (const config of host.attempts) {
        let opened: Opened<T>;
        try {
          opened = await open(config);
        } catch (e) {
          failed.push(e);
          if (worthAnotherAttempt(e)) continue;
          break;
        }
        const rejected = await sessionMismatch(opened.session, wanted).catch((e: unknown) => e);
        if (!rejected) return { value: opened.value, host, config };
        await opened.close();
        failed.push(rejected);
        // libpq moves on to the next host, not to the next sslmode attempt, for a wrong session.
        break;
      }
      for (const error of relevant(failed)) failures.push({ lines: attemptFailure(host, error), error });
    }
  }
  throw new ConnectionFailure(failures);
}

// A TLS refusal is no error for sslmode prefer or allow: only a host's last word counts then.
function relevant(failed: unknown[]): unknown[] {
  const real = failed.filter((e) => !tlsRefused(e));
  return real.length ? real : failed;
}

// libpq tries the next sslmode attempt when the server answered (refused TLS, failed the
// handshake, rejected the login), not when it was never reached (TCP connect, name lookup,
// connect_timeout) or is starting up or shutting down (57P03): then the next host.
function worthAnotherAttempt(e: unknown): boolean {
  if (e instanceof DatabaseError) return e.code !== '57P03';
  // Duck-typed: Node's own errors may come from another realm (a test runner's vm).
  const { syscall, message, errors } = (e ?? {}) as NodeJS.ErrnoException & { errors?: unknown };
  if (typeof message !== 'string' || errors !== undefined) return false;
  return syscall !== 'connect' && syscall !== 'getaddrinfo' && message !== 'timeout expired';
}

// libpq reads default_transaction_read_only and in_hot_standby (reported by servers since 14,
// asked of older ones); one query serves every version.
const SESSION_STATE = `SELECT pg_catalog.current_setting('default_transaction_read_only') = 'on' AS read_only,
  pg_catalog.pg_is_in_recovery() AS standby`;

/** Why session does not fit wanted (a SessionRejected), or undefined when it does. */
async function sessionMismatch(
  session: ClientBase,
  wanted: TargetSessionAttrs,
): Promise<SessionRejected | undefined> {
  if (wanted === 'any') return undefined;
  const { read_only: readOnly, standby } = (await session.query(SESSION_STATE)).rows[0] as {
    read_only: boolean;
    standby: boolean;
  };
  const problem = {
    'read-write': readOnly ? 'session is read-only' : standby ? 'server is in hot standby mode' : '',
    'read-only': readOnly || standby ? '' : 'session is not read-only',
    primary: standby ? 'server is in hot standby mode' : '',
    standby: standby ? '' : 'server is not in hot standby mode',
    'prefer-standby': standby ? '' : 'server is not in hot standby mode',
  }[wanted];
  return problem ? new SessionRejected(problem) : undefined;
}

/**
 * A connected client for params, as libpq's PQconnectdb would give: the first host (of a
 * host list) and sslmode attempt that accepts the login and fits target_session_attrs.
 * Throws ConninfoError for a bad connect string, ConnectionFailure when no server would do.
 * The client has no 'error' listener: add one before the next turn of the event loop.
 */
export async function connect(params: ConnParams, options: PlanOptions = {}): Promise<Client> {
  const chosen = await connectFirst(connectionPlan(params, options), async (config) => {
    const client = new Client(config);
    await client.connect();
    return { value: client, session: client, close: () => client.end().catch(() => {}) };
  });
  return chosen.value;
}
