// The database never ends the agent: whatever keeps it from working at start (login refused,
// no such database, no schema, a wrong schema version), it logs the reason once, retries every
// -r seconds and starts working once someone fixes the cause. On a cluster of its own, since
// the tests change pg_hba.conf and roles.
import * as fs from 'fs';
import * as path from 'path';
import { Cluster, startCluster } from '../../scripts/cluster';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { waitFor } from '../helpers/wait';

const RETRY = ['-r', '10'];
let cluster: Cluster;
let hba: string;

beforeAll(async () => {
  cluster = await startCluster({ prefix: CLUSTER_PREFIX });
  hba = fs.readFileSync(path.join(cluster.dataDir, 'pg_hba.conf'), 'utf8');
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  cluster?.destroy();
});

/** Puts lines before the cluster's own pg_hba.conf (first match wins) and reloads. */
function hbaFirst(...lines: string[]): void {
  fs.writeFileSync(path.join(cluster.dataDir, 'pg_hba.conf'), [...lines, hba].join('\n'));
  cluster.psql('SELECT pg_reload_conf()');
}

function database(name: string, extension = true): string {
  cluster.psql(`CREATE DATABASE ${name}`);
  if (extension) cluster.psql('CREATE EXTENSION pgagent', name);
  return cluster.conninfo(name);
}

const errorLines = (agent: AgentProcess, re: RegExp): number =>
  agent.log.split('\n').filter((l) => / ERROR /.test(l) && re.test(l)).length;

/** The agent keeps retrying with one error line for the cause; after fix() it starts and stops cleanly. */
async function healsAfter(
  agent: AgentProcess,
  cause: RegExp,
  fix: () => void,
  opts: { onceOverRetries?: boolean } = {},
): Promise<void> {
  await agent.waitForLog(cause);
  if (opts.onceOverRetries) {
    // A second attempt with the same cause is logged at debug level only.
    await waitFor(() => agent.log.split('\n').filter((l) => / DEBUG /.test(l) && cause.test(l)).length >= 1, {
      what: 'a second attempt',
      context: () => agent.log,
    });
    expect(errorLines(agent, cause)).toBe(1);
  }
  expect(agent.log).not.toMatch(/pgagent started/);
  fix();
  await agent.waitForLog(/pgagent started/, 40_000);
  expect(errorLines(agent, cause)).toBe(1);
  expect((await agent.stop()).code).toBe(0);
}

test('a wrong password: retried until ALTER ROLE gives the role that password', async () => {
  const conninfo = database('pw_db').replace(`user=${cluster.user}`, 'user=pw_agent');
  cluster.psql("CREATE ROLE pw_agent SUPERUSER LOGIN PASSWORD 'right'");
  hbaFirst('local all pw_agent scram-sha-256');
  const agent = startAgent(conninfo, RETRY, { ...process.env, PGPASSWORD: 'typo' });
  await healsAfter(
    agent,
    /password authentication failed for user "pw_agent"/,
    () => cluster.psql("ALTER ROLE pw_agent PASSWORD 'typo'"),
    {
      onceOverRetries: true,
    },
  );
}, 90_000);

test('a login pg_hba.conf rejects: retried until pg_hba.conf allows it and the server reloads', async () => {
  const conninfo = database('hba_db').replace(`user=${cluster.user}`, 'user=hba_agent');
  cluster.psql('CREATE ROLE hba_agent SUPERUSER LOGIN');
  hbaFirst('local all hba_agent reject');
  const agent = startAgent(conninfo, RETRY);
  await healsAfter(agent, /pg_hba\.conf rejects connection .*"hba_agent"/, () => hbaFirst());
}, 90_000);

test('an unknown database: retried until it is created with the extension', async () => {
  const agent = startAgent(cluster.conninfo('later_db'), RETRY);
  await healsAfter(agent, /database "later_db" does not exist/, () => database('later_db'));
}, 90_000);

test('a database without the schema: the agent registers within one retry of CREATE EXTENSION', async () => {
  const conninfo = database('noext_db', false);
  const agent = startAgent(conninfo, RETRY);
  await healsAfter(
    agent,
    /has no pgagent schema .*CREATE EXTENSION pgagent/,
    () => cluster.psql('CREATE EXTENSION pgagent', 'noext_db'),
    {
      onceOverRetries: true,
    },
  );
  // Registered at once, not after a failed claim: its row was there while it ran.
  expect(agent.log).not.toMatch(/poll failed|registration .* is gone/);
}, 90_000);

test('a schema version other than 4: retried until the schema is fixed', async () => {
  const conninfo = database('v3_db');
  const fn = (v: number): string =>
    `CREATE OR REPLACE FUNCTION pgagent.pgagent_schema_version() RETURNS int2 LANGUAGE sql AS 'SELECT ${v}::int2'`;
  cluster.psql(fn(3), 'v3_db');
  const agent = startAgent(conninfo, RETRY);
  await healsAfter(
    agent,
    /pgagent_schema_version\(\) .* is 3, this agent needs 4: .*ALTER EXTENSION pgagent UPDATE/,
    () => cluster.psql(fn(4), 'v3_db'),
  );
}, 90_000);
