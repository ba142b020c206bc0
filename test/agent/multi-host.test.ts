// Host lists and target_session_attrs against a real primary and its streaming standby
// (pg_basebackup -R): where a connection lands, how the service connection and a step's
// jstconnstr choose, and the failures in libpq's words. Both servers take only socket and
// 127.0.0.1 connections; the primary asks role pwuser for a password (no TLS anywhere).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connect, connectionPlan, ConnParams, HostPool, parseConninfo } from '../../agent/libpq';
import { Cluster, freePort, startCluster } from '../../scripts/cluster';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { clusterJobDb, createJob, JobDb, runNow } from '../helpers/jobs';
import { startStandby } from '../helpers/replica';
import { waitForRuns } from '../helpers/runs';

let primary: Cluster;
let standby: Cluster;
let tmp: string;
/** No PG* variables, a home without ~/.pgpass: only the string decides. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-multihost-'));
  env = { PATH: process.env.PATH, HOME: tmp };
  primary = await startCluster({
    prefix: CLUSTER_PREFIX,
    settings: { wal_level: 'replica', max_wal_senders: 4 },
  });
  const hba = path.join(primary.dataDir, 'pg_hba.conf');
  fs.writeFileSync(hba, `host all pwuser 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, 'utf8')}`);
  primary.psql('SELECT pg_reload_conf()');
  primary.psql("CREATE ROLE pwuser LOGIN PASSWORD 'right'");
  primary.psql('CREATE EXTENSION pgagent');
  primary.psql('CREATE TABLE landed (port text, standby boolean)');

  standby = await startStandby(primary);
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  standby?.destroy();
  primary?.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A host list over the servers' sockets, e.g. hosts(standby, primary). */
function hosts(...servers: Cluster[]): string {
  return `host=${servers.map((s) => s.socketDir).join(',')} port=${servers.map((s) => s.port).join(',')} user=postgres dbname=postgres`;
}

/** Which server a connection made as the agent makes them reaches: its port. */
async function landsOn(conninfo: string | ConnParams): Promise<number> {
  const client = await connect(typeof conninfo === 'string' ? parseConninfo(conninfo) : conninfo, { env });
  try {
    return Number((await client.query("SELECT current_setting('port') AS port")).rows[0].port);
  } finally {
    await client.end();
  }
}

const failure = (conninfo: string): Promise<string> =>
  connect(parseConninfo(conninfo), { env }).then(
    async (c) => {
      await c.end();
      throw new Error(`${conninfo} connected`);
    },
    (e: Error) => e.message,
  );

const socketOf = (c: Cluster): string => `${c.socketDir}/.s.PGSQL.${c.port}`;

describe('target_session_attrs on a primary and a standby', () => {
  test('any takes the first host that answers', async () => {
    expect(await landsOn(hosts(standby, primary))).toBe(standby.port);
    expect(await landsOn(`${hosts(standby, primary)} target_session_attrs=any`)).toBe(standby.port);
  });

  test('read-write and primary skip the standby, whatever the order', async () => {
    for (const attrs of ['read-write', 'primary']) {
      expect(await landsOn(`${hosts(standby, primary)} target_session_attrs=${attrs}`)).toBe(primary.port);
      expect(await landsOn(`${hosts(primary, standby)} target_session_attrs=${attrs}`)).toBe(primary.port);
    }
  });

  test('read-only and standby skip the primary', async () => {
    for (const attrs of ['read-only', 'standby']) {
      expect(await landsOn(`${hosts(primary, standby)} target_session_attrs=${attrs}`)).toBe(standby.port);
    }
  });

  test('prefer-standby takes a standby anywhere in the list, else any server', async () => {
    expect(await landsOn(`${hosts(primary, standby)} target_session_attrs=prefer-standby`)).toBe(
      standby.port,
    );
    expect(await landsOn(`${hosts(primary)} target_session_attrs=prefer-standby`)).toBe(primary.port);
  });

  test('the URI form and PGTARGETSESSIONATTRS do the same', async () => {
    const uri = `postgresql://postgres@${encodeURIComponent(standby.socketDir)}:${standby.port},${encodeURIComponent(primary.socketDir)}:${primary.port}/postgres?target_session_attrs=read-write`;
    expect(await landsOn(uri)).toBe(primary.port);
    const client = await connect(parseConninfo(hosts(standby, primary)), {
      env: { ...env, PGTARGETSESSIONATTRS: 'read-write' },
    });
    try {
      expect((await client.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(false);
    } finally {
      await client.end();
    }
  });

  test('a host that is down is skipped', async () => {
    const down = await freePort();
    const conninfo = `host=${tmp},${standby.socketDir},${primary.socketDir} port=${down},${standby.port},${primary.port} user=postgres dbname=postgres`;
    expect(await landsOn(`${conninfo} target_session_attrs=read-write`)).toBe(primary.port);
    expect(await landsOn(conninfo)).toBe(standby.port);
  });

  test("when no server fits, each says why, in libpq's words", async () => {
    expect(await failure(`${hosts(primary)} target_session_attrs=standby`)).toBe(
      `connection to server on socket "${socketOf(primary)}" failed: server is not in hot standby mode`,
    );
    // As libpq since 14: a standby is "in hot standby mode", a server read-only by default "read-only".
    expect(await failure(`${hosts(standby)} target_session_attrs=read-write`)).toBe(
      `connection to server on socket "${socketOf(standby)}" failed: server is in hot standby mode`,
    );
    expect(
      await failure(
        `${hosts(primary)} options='-c default_transaction_read_only=on' target_session_attrs=read-write`,
      ),
    ).toBe(`connection to server on socket "${socketOf(primary)}" failed: session is read-only`);
    expect(
      await landsOn(
        `${hosts(primary)} options='-c default_transaction_read_only=on' target_session_attrs=read-only`,
      ),
    ).toBe(primary.port);
    expect(await failure(`${hosts(standby, standby)} target_session_attrs=primary`)).toBe(
      `connection to server on socket "${socketOf(standby)}" failed: server is in hot standby mode`,
    );
    expect(await failure(`${hosts(primary)} target_session_attrs=read-only`)).toBe(
      `connection to server on socket "${socketOf(primary)}" failed: session is not read-only`,
    );
  });
});

describe("failures in libpq's words", () => {
  test('a wrong password on a server without TLS: the login failure, no word of SSL', async () => {
    const message = await failure(
      `host=127.0.0.1 port=${primary.port} user=pwuser password=wrong dbname=postgres`,
    );
    expect(message).toBe(
      `connection to server at "127.0.0.1", port ${primary.port} failed: FATAL:  password authentication failed for user "pwuser"`,
    );
    expect(
      await landsOn(`host=127.0.0.1 port=${primary.port} user=pwuser password=right dbname=postgres`),
    ).toBe(primary.port);
  });

  test('a stopped server over its socket and over TCP', async () => {
    const port = await freePort();
    expect(await failure(`host=${primary.socketDir} port=${port} dbname=postgres`)).toBe(
      `connection to server on socket "${primary.socketDir}/.s.PGSQL.${port}" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?`,
    );
    expect(await failure(`host=127.0.0.1 port=${port} dbname=postgres`)).toBe(
      `connection to server at "127.0.0.1", port ${port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`,
    );
  });
});

describe('the agent', () => {
  const jobDb = (): JobDb => clusterJobDb(primary, 'postgres');

  test('host=standby,primary target_session_attrs=read-write: registers on the primary; a two-host jstconnstr step runs there', async () => {
    const down = await freePort();
    const agent = startAgent(
      `${hosts(standby, primary)} target_session_attrs=read-write`,
      ['--hostname', 'multi-host'],
      env,
    );
    await agent.waitForLog(/pgagent started/);
    expect(
      primary.psql("SELECT count(*) FROM pgagent.pga_jobagent WHERE jagstation = 'multi-host'").trim(),
    ).toBe('1');

    const db = jobDb();
    const record = "INSERT INTO landed SELECT current_setting('port'), pg_is_in_recovery()";
    const connstr = `host=${tmp},${standby.socketDir},${primary.socketDir} port=${down},${standby.port},${primary.port} user=postgres dbname=postgres target_session_attrs=read-write`;
    const jobid = await createJob(db, { steps: [{ connstr, code: record }] });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    expect(run).toMatchObject({ jlgstatus: 's', steps: [{ jslstatus: 's' }] });
    expect(primary.psql('SELECT port, standby FROM landed').trim()).toBe(`${primary.port}|f`);
    expect((await agent.stop('SIGTERM')).code).toBe(0);
  }, 60_000);

  test("a jstconnstr whose hosts are all read-only fails the step with each host's reason", async () => {
    const agent = startAgent(hosts(primary), ['--hostname', 'multi-host-2'], env);
    await agent.waitForLog(/pgagent started/);
    const db = jobDb();
    const connstr = `${hosts(standby, standby)} target_session_attrs=read-write`;
    const jobid = await createJob(db, { steps: [{ connstr, code: 'SELECT 1' }] });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    expect(run).toMatchObject({ jlgstatus: 'f', steps: [{ jslstatus: 'f' }] });
    const output = primary.psql(
      `SELECT jsloutput FROM pgagent.pga_jobsteplog s JOIN pgagent.pga_joblog l ON l.jlgid = s.jsljlgid WHERE l.jlgjobid = ${jobid}`,
    );
    expect(output).toContain(
      `: connection to server on socket "${socketOf(standby)}" failed: server is in hot standby mode\n`,
    );
    expect((await agent.stop('SIGTERM')).code).toBe(0);
  }, 60_000);
});

// Last in the file: it stops the standby.
test('a step pool whose server goes away chooses again from its host list', async () => {
  const pool = new HostPool(
    () => connectionPlan(parseConninfo(hosts(standby, primary)), { env }),
    { max: 2 },
    () => {},
  );
  // Each connection closed after use, so the next one is a new login (no idle one to reuse).
  const portOf = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      return Number((await client.query("SELECT current_setting('port') AS port")).rows[0].port);
    } finally {
      client.release(true);
    }
  };
  try {
    expect(await portOf()).toBe(standby.port);
    standby.stop('fast');
    expect(await portOf()).toBe(primary.port);
    expect(pool.config?.port).toBe(primary.port);
  } finally {
    await pool.end();
  }
});
