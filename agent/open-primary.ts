// Opening the service connection: libpq's host list in order (agent/libpq), and of the servers
// that answer the first primary. A standby cannot take the agent's writes, so unless the
// connect string says otherwise target_session_attrs is read-write, and a standby reached all
// the same (target_session_attrs=any) is refused here: the agent then says so and waits.
import { Client, ClientConfig } from 'pg';
import { connect, ConninfoError, ConnParams, ConnectionFailure, SessionRejected } from './libpq';
import { Logger } from './logger';
import { describeError } from './pg-errors';
import { ConfigError, DatabaseProblem } from './service-problems';
import { clientDb } from './sql/db';
import { isStandby, STANDBY_PROBLEM } from './sql/schema';

/**
 * watch(client) attaches the connection's error and end handlers. Throws ConfigError for a
 * connection string that cannot work, DatabaseProblem when only standbys answered, else the
 * connection failure.
 */
export async function openPrimary(
  params: ConnParams,
  logger: Logger,
  watch: (client: Client) => void,
): Promise<{ client: Client; config: ClientConfig }> {
  let client: Client;
  try {
    client = await connect(
      { target_session_attrs: 'read-write', ...params },
      { warn: (msg) => logger.warn(msg) },
    );
  } catch (e) {
    if (e instanceof ConninfoError) throw new ConfigError(`invalid connection string: ${describeError(e)}`);
    if (
      e instanceof ConnectionFailure &&
      e.errors.length &&
      e.errors.every((x) => x instanceof SessionRejected)
    ) {
      throw new DatabaseProblem(STANDBY_PROBLEM);
    }
    throw e;
  }
  watch(client);
  if (await isStandby(clientDb(client))) {
    await client.end().catch(() => {});
    throw new DatabaseProblem(STANDBY_PROBLEM);
  }
  return { client, config: { host: client.host, port: client.port } };
}
