// Opening the service connection: the hosts of the (libpq) host list in order, each with the
// attempts its sslmode makes, and the first that answers and is a primary wins. A standby is
// passed over (it cannot take the agent's writes), as libpq does with target_session_attrs=read-write.
import { Client, ClientConfig } from 'pg';
import { firstThatConnects } from './connect';
import { attemptsPerHost, ConnParams } from './connection';
import { Logger } from './logger';
import { describeError } from './pg-errors';
import { ConfigError, DatabaseProblem, needsAPerson } from './service-problems';
import { clientDb } from './sql/db';
import { isStandby, STANDBY_PROBLEM } from './sql/schema';

/**
 * watch(client) is called before connecting, to attach its error and end handlers. Throws
 * ConfigError for a connection string that cannot work, DatabaseProblem when only standbys
 * answered, else the connection errors.
 */
export async function openPrimary(params: ConnParams, logger: Logger, watch: (client: Client) => void): Promise<{ client: Client; config: ClientConfig }> {
  let hosts: ClientConfig[][];
  try {
    hosts = attemptsPerHost(params, process.env, (msg) => logger.warn(msg));
  } catch (e) {
    throw new ConfigError(`invalid connection string: ${describeError(e)}`);
  }
  const errors: unknown[] = [];
  for (const attempts of hosts) {
    let opened: { client: Client; config: ClientConfig };
    try {
      opened = await firstThatConnects(attempts, async (config) => {
        const client = new Client(config);
        watch(client);
        await client.connect();
        return { client, config };
      });
    } catch (e) {
      if (needsAPerson(e)) throw e;
      errors.push(e);
      continue;
    }
    try {
      if (!(await isStandby(clientDb(opened.client)))) return opened;
      errors.push(new DatabaseProblem(STANDBY_PROBLEM));
    } catch (e) {
      errors.push(e);
    }
    await opened.client.end().catch(() => {});
  }
  const standby = errors.find((e) => e instanceof DatabaseProblem);
  throw standby ?? (errors.length === 1 ? errors[0] : new AggregateError(errors, 'no server answered'));
}
