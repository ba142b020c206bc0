// libpq's sslmode=prefer (the default) and allow against real servers: a cluster of our own with
// TLS, whose pg_hba.conf takes database "sslonly" only over TLS, "plainonly" only without and
// "either" both ways, and the run's shared cluster, which has no TLS.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client, DatabaseError } from 'pg';
import {
  connect as libpqConnect,
  connectFirst,
  ConnectionFailure,
  connectionPlan,
  HostPool,
  parseConninfo,
} from '../../agent/libpq';
import { describeError } from '../../agent/pg-errors';
import { Cluster, freePort, runAsServerUser, startCluster } from '../../scripts/cluster';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { clusterJobDb, createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';

const SSL_QUERY = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
const HBA = `local all all trust
host either pwuser 127.0.0.1/32 scram-sha-256
hostssl sslonly all 127.0.0.1/32 trust
hostnossl plainonly all 127.0.0.1/32 trust
host either all 127.0.0.1/32 trust
`;

let cluster: Cluster;
let plainServer: TestDatabase;
let tmp: string;
/** No PG* variables, and a home without ~/.postgresql: nothing but the string decides. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-ssl-'));
  env = { PATH: process.env.PATH, HOME: tmp };
  plainServer = await createTestDatabase({ extension: false });
  cluster = await startCluster({ prefix: CLUSTER_PREFIX });
  const cert = path.join(cluster.baseDir, 'server.crt');
  const key = path.join(cluster.baseDir, 'server.key');
  // As the server user, so the files are its own, as the server requires of the key.
  runAsServerUser('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-days',
    '1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  fs.chmodSync(key, 0o600);
  cluster.psql('ALTER SYSTEM SET ssl = on');
  cluster.psql(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
  cluster.psql(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
  fs.writeFileSync(path.join(cluster.dataDir, 'pg_hba.conf'), HBA);
  cluster.restart();
  for (const db of ['sslonly', 'plainonly', 'either']) cluster.psql(`CREATE DATABASE ${db}`);
  cluster.psql("CREATE ROLE pwuser LOGIN PASSWORD 'right'");
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  cluster?.destroy();
  await plainServer?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tcp = (dbname: string, port = cluster.port): string =>
  `host=127.0.0.1 port=${port} dbname=${dbname} user=postgres`;

const connect = (conninfo: string): Promise<Client> => libpqConnect(parseConninfo(conninfo), { env });

/** Whether a connection made as the agent makes them uses TLS. */
async function usesTls(conninfo: string): Promise<boolean> {
  const client = await connect(conninfo);
  try {
    return (await client.query(SSL_QUERY)).rows[0].ssl;
  } finally {
    await client.end();
  }
}

describe('a server with TLS', () => {
  test('prefer (the default) uses TLS where only TLS is allowed', async () => {
    expect(await usesTls(tcp('sslonly'))).toBe(true);
    expect(await usesTls(`${tcp('sslonly')} sslmode=prefer`)).toBe(true);
  });

  test('prefer connects without TLS where TLS is refused', async () => {
    expect(await usesTls(tcp('plainonly'))).toBe(false);
  });

  test('allow falls back to TLS where only TLS is allowed', async () => {
    expect(await usesTls(`${tcp('sslonly')} sslmode=allow`)).toBe(true);
  });

  test('allow connects without TLS where TLS is refused', async () => {
    expect(await usesTls(`${tcp('plainonly')} sslmode=allow`)).toBe(false);
  });

  test('disable and require get no second attempt', async () => {
    await expect(connect(`${tcp('sslonly')} sslmode=disable`)).rejects.toThrow(
      /no pg_hba.conf entry .* no encryption/,
    );
    await expect(connect(`${tcp('plainonly')} sslmode=require`)).rejects.toThrow(
      /no pg_hba.conf entry .* SSL encryption/,
    );
  });

  test('when every attempt is rejected, each is reported, a repeated error once', async () => {
    const e = await connect(tcp('nosuchdb')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConnectionFailure);
    const server = `connection to server at "127.0.0.1", port ${cluster.port} failed: FATAL:  `;
    expect((e as Error).message.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${escape(server)}no pg_hba.conf entry .* SSL encryption$`)),
      expect.stringMatching(new RegExp(`^${escape(server)}no pg_hba.conf entry .* no encryption$`)),
    ]);
    const failures = await connect(`${tcp('either')} user=nobody`).catch((err: unknown) => err);
    // Both attempts' errors are kept for classification; the message says it once.
    expect((failures as ConnectionFailure).errors).toEqual([
      expect.any(DatabaseError),
      expect.any(DatabaseError),
    ]);
    expect((failures as ConnectionFailure).errors.map((err: DatabaseError) => err.code)).toEqual([
      '28000',
      '28000',
    ]);
    expect((failures as Error).message).toBe(`${server}role "nobody" does not exist`);
    // The log's one-line form adds the SQLSTATE.
    expect(describeError(failures)).toBe(`${server}role "nobody" does not exist (SQLSTATE 28000)`);
  });

  test('a wrong password is reported once, without TLS noise (prefer tries with TLS and without)', async () => {
    const e = await connect(`${tcp('either')} user=pwuser password=wrong`).catch((err: unknown) => err);
    expect((e as Error).message).toBe(
      `connection to server at "127.0.0.1", port ${cluster.port} failed: FATAL:  password authentication failed for user "pwuser"`,
    );
    expect(await usesTls(`${tcp('either')} user=pwuser password=right`)).toBe(true);
  });

  test('a step pool finds its attempt on the first connection and keeps it', async () => {
    const pool = new HostPool(
      () => connectionPlan(parseConninfo(`${tcp('sslonly')} sslmode=allow`), { env }),
      { max: 2 },
      () => {},
    );
    try {
      const clients = await Promise.all([pool.connect(), pool.connect()]);
      for (const c of clients) {
        expect((await c.query(SSL_QUERY)).rows[0].ssl).toBe(true);
        c.release();
      }
      expect(pool.config?.ssl).toBeTruthy();
    } finally {
      await pool.end();
    }
  });
});

test('a server that is not there is not tried a second way', async () => {
  const tried: unknown[] = [];
  const plan = connectionPlan(parseConninfo(tcp('either', await freePort())), { env });
  const refused = connectFirst(plan, async (config) => {
    tried.push(config.ssl);
    await new Client(config).connect();
    throw new Error('connected to a server that should not be there');
  });
  await expect(refused).rejects.toMatchObject({
    errors: [expect.objectContaining({ code: 'ECONNREFUSED' })],
  });
  expect(tried).toEqual([expect.objectContaining({ rejectUnauthorized: false })]);
});

describe('a server without TLS', () => {
  test('prefer connects without TLS', async () => {
    expect(await usesTls(tcp(plainServer.name, plainServer.cluster.port))).toBe(false);
  });

  test('require fails with a clear error', async () => {
    await expect(
      connect(`${tcp(plainServer.name, plainServer.cluster.port)} sslmode=require`),
    ).rejects.toThrow(
      `connection to server at "127.0.0.1", port ${plainServer.cluster.port} failed: server does not support SSL, but SSL was required`,
    );
  });
});

test("the agent's start-up error names every attempt's refusal", async () => {
  const agent = startAgent(tcp('nosuchdb'), [], env);
  await agent.waitForLog(
    /could not connect to the service database: connection to server at .*SSL encryption \(SQLSTATE 28000\); connection to server at .*no encryption \(SQLSTATE 28000\)/,
  );
  expect((await agent.stop()).code).toBe(0);
});

test('the agent with the default sslmode runs a job on a TLS-only server, and a step where TLS is refused', async () => {
  cluster.psql('CREATE EXTENSION pgagent', 'sslonly');
  for (const db of ['sslonly', 'plainonly']) cluster.psql('CREATE TABLE seen (ssl boolean)', db);
  const db = clusterJobDb(cluster, 'sslonly');

  const record = `INSERT INTO seen ${SSL_QUERY}`;
  const agent = startAgent(tcp('sslonly'), [], env);
  await agent.waitForLog(/pgagent started/);
  const jobid = await createJob(db, {
    steps: [{ code: record }, { connstr: tcp('plainonly'), code: record }],
  });
  await runNow(db, jobid);
  const [run] = await waitForRuns(db, jobid);
  expect(run).toMatchObject({ jlgstatus: 's', steps: [{ jslstatus: 's' }, { jslstatus: 's' }] });
  expect(cluster.psql('SELECT ssl FROM seen', 'sslonly').trim()).toBe('t');
  expect(cluster.psql('SELECT ssl FROM seen', 'plainonly').trim()).toBe('f');
  expect(
    cluster
      .psql(`SELECT s.ssl FROM pgagent.pga_jobagent JOIN pg_stat_ssl s ON s.pid = jagpid`, 'sslonly')
      .trim(),
  ).toBe('t');
  expect((await agent.stop('SIGTERM')).code).toBe(0);
}, 60_000);
