// pgagent install-schema / upgrade-schema: the pgagent schema without CREATE EXTENSION, made by
// a role that is not a superuser and owns only its database (a managed service's master user).
// The schema must be the extension's in every catalog detail but the extension membership, run
// the agent's jobs and pgAdmin's statements, and come from pgAgent 4.2's own pgagent.sql too.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';
import { CLI, startAgent, stopAllAgents } from '../helpers/agent-process';
import { catalogSnapshot } from '../helpers/catalog';
import { createTestDatabase, TestDatabase, testCluster } from '../helpers/db';
import { addUserJobs, allRows, insertJob, tableCounts, utcClient } from '../helpers/catalog-rows';
import { pgAdminStatementTests } from '../helpers/pgadmin';
import { pgDump, pgDumpCanDump, psqlScript } from '../helpers/pgdump';
import { controlDefaultVersion, serverMajor } from '../helpers/versions';

const cluster = testCluster();
const OWNER = `master_${process.pid}`;
const VERSION = controlDefaultVersion();
const dbs: TestDatabase[] = [];

beforeAll(() => {
  cluster.psql(`CREATE ROLE ${OWNER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
});

afterAll(async () => {
  await stopAllAgents();
  for (const db of dbs) await db.drop();
  cluster.psql(`DROP ROLE ${OWNER}`);
});

async function ownedDatabase(extension: string | false = false): Promise<TestDatabase> {
  const db = await createTestDatabase({ extension, owner: OWNER });
  dbs.push(db);
  return db;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function pgagent(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

async function installed(): Promise<TestDatabase> {
  const db = await ownedDatabase();
  const r = await pgagent('install-schema', db.conninfo);
  expect(r).toEqual({ code: 0, stdout: `pgagent: installed schema pgagent ${VERSION} (pgagent--${VERSION}.sql)\n`, stderr: '' });
  return db;
}

// The catalog apart from the extension membership (and its comment) and the migrations
// table's schema; owners and grants included.
async function schemaCatalog(db: TestDatabase): Promise<Record<string, string[]>> {
  const { extension, members, configDump, ...rest } = await catalogSnapshot(db);
  return { ...rest, comments: rest.comments.filter((c) => !/^(extension pgagent|schema pgagent_migrations):/.test(c)) };
}

async function migrations(db: TestDatabase): Promise<unknown[]> {
  return db.query('SELECT id, version, script, applied_by FROM pgagent_migrations.applied ORDER BY id');
}

describe('install-schema by the database owner', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await installed();
  });

  test('is the catalog of CREATE EXTENSION pgagent by the same role, but for the membership', async () => {
    const extension = await ownedDatabase(VERSION);
    expect(await schemaCatalog(db)).toEqual(await schemaCatalog(extension));
    expect(await db.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pgagent'")).toEqual([{ n: 0 }]);
  });

  test('records its script, and running it again (either command) changes nothing', async () => {
    const before = { catalog: await schemaCatalog(db), migrations: await migrations(db) };
    expect(before.migrations).toEqual([{ id: 1, version: VERSION, script: `pgagent--${VERSION}.sql`, applied_by: OWNER }]);
    for (const command of ['install-schema', 'upgrade-schema']) {
      expect(await pgagent(command, db.conninfo)).toEqual({
        code: 0, stdout: `pgagent: schema pgagent is at ${VERSION} already; nothing to do\n`, stderr: '',
      });
    }
    expect({ catalog: await schemaCatalog(db), migrations: await migrations(db) }).toEqual(before);
  });

  test('the agent, connected as the owner, runs a job with an SQL step', async () => {
    await db.query('CREATE TABLE public.ran (at timestamptz)');
    const agent = startAgent(db.conninfo);
    await agent.waitForLog(/pgagent started/);
    const jobid = await createJob(db, { steps: [{ code: 'INSERT INTO public.ran VALUES (now())' }] });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    expect(run).toMatchObject({ jlgstatus: 's', steps: [{ jslstatus: 's', jslresult: 1 }] });
    expect(await db.query('SELECT count(*)::int AS n FROM public.ran')).toEqual([{ n: 1 }]);
    expect((await agent.stop('SIGTERM')).code).toBe(0);
  });
});

describe("pgAdmin's statements on a schema from install-schema, as the owner", () => {
  pgAdminStatementTests(installed);
});

// pgAdmin 1.x users created the schema with pgAgent's pgagent.sql: here upstream's own
// pgagent--4.2.sql (from Debian's pgagent 4.2.2 package, unpacked by scripts/upstream-pgagent.sh
// beside the binary scripts/test.sh names), run as a plain script with its schema.
function upstreamScript(): string | undefined {
  const binary = process.env.PGAGENT_CPP_BINARY;
  if (!binary) return undefined;
  const dir = path.resolve(binary, '..', '..', 'share', 'postgresql');
  const major = fs.existsSync(dir) ? fs.readdirSync(dir)[0] : undefined;
  return major && path.join(dir, major, 'extension', 'pgagent--4.2.sql');
}
const UPSTREAM = upstreamScript();

function plainSql(file: string): string {
  // Marking tables for pg_dump belongs to extensions only (upstream makes each call one line).
  const plain = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('pg_extension_config_dump'));
  return `CREATE SCHEMA pgagent;\nSET search_path = pgagent;\n${plain.join('\n')}`;
}

(UPSTREAM ? describe : describe.skip)("upgrade-schema from pgAgent 4.2's plain pgagent.sql", () => {
  let db: TestDatabase;
  let before: Record<string, number>;
  beforeAll(async () => {
    db = await ownedDatabase();
    const client = await db.connect();
    try {
      await client.query(plainSql(UPSTREAM!));
      await insertJob(client, { name: 'from pgAdmin 1.x' });
      before = await tableCounts(client);
    } finally {
      await client.end();
    }
  });
  test('install-schema refuses it and says what to run', async () => {
    expect(await pgagent('install-schema', db.conninfo)).toEqual({
      code: 1, stdout: '',
      stderr: `pgagent: install-schema: this database has schema pgagent at pgAgent 4.2 (not installed by pgagent install-schema): update it to ${VERSION} with pgagent upgrade-schema\n`,
    });
  });

  test('updates it along the extension path, keeps the rows, and equals the extension', async () => {
    const r = await pgagent('upgrade-schema', db.conninfo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^pgagent: updated schema pgagent from 4.2 to ${VERSION.replace('.', '\\.')} \\(pgagent--4\\.2--4\\.3\\.sql, .*\\)\n$`));
    expect((await migrations(db))[0]).toEqual({ id: 1, version: '4.2', script: 'existing schema', applied_by: OWNER });
    const client = await db.connect();
    try {
      expect(await tableCounts(client)).toEqual(before);
    } finally {
      await client.end();
    }
    const extension = await ownedDatabase(VERSION);
    await extension.query("INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'one job, so the sequences agree')");
    // Upstream's function bodies are its own text of the same functions; where no update
    // replaces them they stay, as ALTER EXTENSION UPDATE keeps them on an upstream install.
    const { functionDefinitions: _actual, ...actual } = await schemaCatalog(db);
    const { functionDefinitions: _expected, ...expected } = await schemaCatalog(extension);
    expect(actual).toEqual(expected);
  });
});

// docs/platform.md's way between the two: the rows of the pgagent tables, dumped and loaded as
// the owner. Debian's pg_dump (15) cannot dump the servers of 16 and later that the matrix runs.
(pgDumpCanDump(cluster, serverMajor()) ? describe : describe.skip)('moving with pg_dump --data-only', () => {
  const dumpRows = (db: TestDatabase): string => pgDump(cluster, db.name, ['--data-only', '--table=pgagent.*']);

  test('from the extension to install-schema and back, every row kept', async () => {
    const extension = await ownedDatabase(VERSION);
    const client = await utcClient(extension);
    try {
      await addUserJobs(client);
    } finally {
      await client.end();
    }
    const plain = await installed();
    psqlScript(cluster, plain.name, OWNER, dumpRows(extension));
    expect(await allRows(plain)).toEqual(await allRows(extension));

    const back = await ownedDatabase(VERSION);
    await back.query('DELETE FROM pgagent.pga_jobclass');
    psqlScript(cluster, back.name, OWNER, dumpRows(plain));
    expect(await allRows(back)).toEqual(await allRows(extension));
    // The sequences moved too: new rows get fresh ids.
    expect(await back.query("INSERT INTO pgagent.pga_jobclass (jclname) VALUES ('new') RETURNING jclid > 6 AS fresh")).toEqual([{ fresh: true }]);
  });
});

describe('clear refusals, nothing changed', () => {
  test('usage errors exit 2; --help shows the commands', async () => {
    expect(await pgagent('install-schema', '--nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown argument: nope') });
    expect(await pgagent('upgrade-schema', 'dbname')).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid connect string') });
    expect(await pgagent('install-schema', '--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: pgagent install-schema\|upgrade-schema/) });
  });

  test('where the extension is installed', async () => {
    const db = await ownedDatabase(VERSION);
    expect(await pgagent('upgrade-schema', db.conninfo)).toMatchObject({
      code: 1, stderr: expect.stringContaining(`pgagent is installed here as an extension (version ${VERSION}): update it with ALTER EXTENSION pgagent UPDATE`),
    });
  });

  test('upgrade-schema without a schema', async () => {
    const db = await ownedDatabase();
    expect(await pgagent('upgrade-schema', db.conninfo)).toMatchObject({
      code: 1, stderr: 'pgagent: upgrade-schema: this database has no pgagent schema: create it with pgagent install-schema\n',
    });
  });

  test('a role that may not create schemas in the database', async () => {
    const db = await createTestDatabase({ extension: false });
    dbs.push(db);
    const r = await pgagent('install-schema', `${db.conninfo.replace(/user=\S+/, `user=${OWNER}`)}`);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringMatching(/^pgagent: install-schema: permission denied for database .*\(SQLSTATE 42501\)\n$/) });
    expect(await db.query("SELECT to_regnamespace('pgagent') AS s, to_regnamespace('pgagent_migrations') AS m")).toEqual([{ s: null, m: null }]);
  });
});
