// Connections to real servers, as the agent makes them from libpq's connection strings (libpq's
// rules alone are tested in test/unit/conninfo.test.ts).
import { connect, parseConninfo } from '../../agent/libpq';
import { describeError } from '../../agent/pg-errors';
import { freePort } from '../../scripts/cluster';
import { cleanEnv, config, tmp, writeFile } from '../helpers/conninfo';
import { createTestDatabase, TestDatabase } from '../helpers/db';

describe('real connections', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ extension: false });
  });
  afterAll(() => db.drop());

  // As the agent connects: each of libpq's attempts in turn.
  async function whoAmI(conninfo: string, env = cleanEnv()): Promise<Record<string, string>> {
    const client = await connect(parseConninfo(conninfo), { env });
    try {
      const { rows } = await client.query(
        "SELECT current_user AS user, current_database() AS db, current_setting('application_name') AS app, inet_client_addr() IS NULL AS socket",
      );
      return rows[0];
    } finally {
      await client.end();
    }
  }

  test('the test cluster conninfo, over the socket', async () => {
    expect(await whoAmI(db.conninfo)).toEqual({
      user: 'postgres',
      db: db.name,
      app: 'pgagent',
      socket: true,
    });
  });

  test('the same as a URI with the socket directory percent-encoded', async () => {
    const { socketDir, port } = db.cluster;
    const uri = `postgresql://postgres@${encodeURIComponent(socketDir)}:${port}/${db.name}?application_name=uri%20test`;
    expect(await whoAmI(uri)).toEqual({ user: 'postgres', db: db.name, app: 'uri test', socket: true });
  });

  test('PG* variables alone, over TCP', async () => {
    const env = cleanEnv({
      PGHOST: '127.0.0.1',
      PGPORT: String(db.cluster.port),
      PGUSER: 'postgres',
      PGDATABASE: db.name,
    });
    expect(await whoAmI('', env)).toEqual({ user: 'postgres', db: db.name, app: 'pgagent', socket: false });
  });

  test('a role with a password from the password file, over TCP', async () => {
    const role = `pw_${process.pid}`;
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'r:ght\\pw'`);
    try {
      const file = writeFile(
        'pgpass-real',
        `127.0.0.1:${db.cluster.port}:${db.name}:${role}:r\\:ght\\\\pw\n`,
      );
      const conninfo = `host=127.0.0.1 port=${db.cluster.port} dbname=${db.name} user=${role}`;
      const env = cleanEnv({ PGPASSFILE: file });
      // The scratch cluster trusts everyone, so the password is checked in the config.
      expect(config(conninfo, env).password).toBe('r:ght\\pw');
      expect(await whoAmI(conninfo, env)).toEqual({ user: role, db: db.name, app: 'pgagent', socket: false });
    } finally {
      await db.query(`DROP ROLE ${role}`);
    }
  });

  test("sslmode=require fails on a server without TLS, in libpq's words", async () => {
    await expect(
      whoAmI(`host=127.0.0.1 port=${db.cluster.port} dbname=${db.name} user=postgres sslmode=require`),
    ).rejects.toThrow(
      `connection to server at "127.0.0.1", port ${db.cluster.port} failed: server does not support SSL, but SSL was required`,
    );
  });

  test("a server that is not there, over a socket and over TCP, in libpq's words", async () => {
    const port = await freePort();
    await expect(whoAmI(`host=${tmp} port=${port} dbname=x`)).rejects.toThrow(
      `connection to server on socket "${tmp}/.s.PGSQL.${port}" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?`,
    );
    await expect(whoAmI(`host=127.0.0.1 port=${port} dbname=x sslmode=disable`)).rejects.toThrow(
      `connection to server at "127.0.0.1", port ${port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`,
    );
    // A name shows its address too; each address libpq tried gets its line.
    const byName = await whoAmI(`host=localhost port=${port} dbname=x`).catch((e: Error) => e.message);
    expect(byName).toMatch(
      new RegExp(
        `^connection to server at "localhost" \\((127\\.0\\.0\\.1|::1)\\), port ${port} failed: Connection refused\n`,
      ),
    );
    await expect(whoAmI(`host=no-such-host.invalid port=${port} dbname=x`)).rejects.toThrow(
      /^could not translate host name "no-such-host.invalid" to address: /,
    );
  });

  test('several hosts: a down one is skipped, and when none answers each is listed', async () => {
    const port = await freePort();
    const { socketDir } = db.cluster;
    const up = `host=${tmp},${socketDir} port=${port},${db.cluster.port} dbname=${db.name} user=postgres`;
    expect(await whoAmI(up)).toMatchObject({ db: db.name, socket: true });
    const down = `host=${tmp},127.0.0.1 port=${port} dbname=x sslmode=disable`;
    await expect(whoAmI(down)).rejects.toThrow(
      [
        `connection to server on socket "${tmp}/.s.PGSQL.${port}" failed: No such file or directory`,
        '\tIs the server running locally and accepting connections on that socket?',
        `connection to server at "127.0.0.1", port ${port} failed: Connection refused`,
        '\tIs the server running on that host and accepting TCP/IP connections?',
      ].join('\n'),
    );
    // The log's form: one line, each host after a semicolon.
    const failure = await whoAmI(down).catch((e: unknown) => e);
    expect(describeError(failure)).toBe(
      `connection to server on socket "${tmp}/.s.PGSQL.${port}" failed: No such file or directory. Is the server running locally and accepting connections on that socket?; ` +
        `connection to server at "127.0.0.1", port ${port} failed: Connection refused. Is the server running on that host and accepting TCP/IP connections?`,
    );
  });
});
