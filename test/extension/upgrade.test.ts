// Every update path the installed extension files offer must end in exactly the catalog a
// fresh install of the target version has. Versions and paths are read from the server, so
// a new version or update script is covered without touching this file.
import { catalogSnapshot } from '../helpers/catalog';
import { createTestDatabase, TestDatabase, testCluster } from '../helpers/db';
import { insertException, insertJob, insertRun, insertSchedule, insertStep, tableCounts } from '../helpers/catalog-rows';
import { extensionDdl, pgDumpCanDump } from '../helpers/pgdump';
import { controlDefaultVersion, serverMajor } from '../helpers/versions';

const cluster = testCluster();
const lines = (out: string): string[] => out.split('\n').filter(Boolean);
const DEFAULT_VERSION = cluster.psql("SELECT default_version FROM pg_available_extensions WHERE name = 'pgagent'").trim();
const VERSIONS = lines(cluster.psql("SELECT version FROM pg_available_extension_versions WHERE name = 'pgagent' ORDER BY 1"));
// Only from installable versions: a leftover upstream pgagent--unpackaged--4.2.sql offers a
// path from "unpackaged", which no PostgreSQL since 13 can install.
const PATHS = lines(
  cluster.psql(`SELECT source || ' ' || target FROM pg_extension_update_paths('pgagent')
                 WHERE path IS NOT NULL AND source IN (${VERSIONS.map((v) => `'${v}'`).join(', ')}) ORDER BY 1`),
).map((l) => l.split(' ') as [string, string]);

// Debian's pg_dump (15) serves every major's tests but cannot dump 16 and later; there the
// catalog snapshot alone compares the two.
const DUMPS = pgDumpCanDump(cluster, serverMajor());

interface Snapshot {
  catalog: Record<string, string[]>;
  ddl: string;
}

async function snapshot(db: TestDatabase): Promise<Snapshot> {
  return { catalog: await catalogSnapshot(db), ddl: DUMPS ? extensionDdl(cluster, db.name) : '' };
}

async function withDatabase<T>(version: string, fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createTestDatabase({ extension: version });
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

const fresh = new Map<string, Promise<Snapshot>>();
const freshSnapshot = (version: string): Promise<Snapshot> => {
  if (!fresh.has(version)) fresh.set(version, withDatabase(version, snapshot));
  return fresh.get(version)!;
};

test('the shipped versions and their paths are found', () => {
  expect(VERSIONS).toEqual(expect.arrayContaining(['3.4', '4.0', '4.1', '4.2', '4.3']));
  expect(DEFAULT_VERSION).toBe(controlDefaultVersion());
  // Every older version reaches the default one.
  for (const v of VERSIONS.filter((v) => v !== DEFAULT_VERSION)) {
    expect(PATHS).toContainEqual([v, DEFAULT_VERSION]);
  }
});

test.each(PATHS)('%s updated to %s equals a fresh install of it', async (from, to) => {
  const updated = await withDatabase(from, async (db) => {
    await db.query(`ALTER EXTENSION pgagent UPDATE TO '${to}'`);
    return snapshot(db);
  });
  const expected = await freshSnapshot(to);
  expect(updated.catalog).toEqual(expected.catalog);
  expect(updated.ddl).toEqual(expected.ddl);
});

test('CREATE EXTENSION pgagent installs the default version', async () => {
  const db = await createTestDatabase({ extension: false });
  try {
    await db.query('CREATE EXTENSION pgagent');
    expect(await db.query("SELECT extversion FROM pg_extension WHERE extname = 'pgagent'")).toEqual([{ extversion: DEFAULT_VERSION }]);
  } finally {
    await db.drop();
  }
});

test('ALTER EXTENSION pgagent UPDATE takes 4.2 to the default version and keeps user rows', async () => {
  await withDatabase('4.2', async (db) => {
    const client = await db.connect();
    try {
      const jobid = await insertJob(client);
      const jstid = await insertStep(client, jobid);
      await insertException(client, await insertSchedule(client, jobid), '2100-01-01', '12:00');
      await insertRun(client, jobid, jstid);
      const before = await tableCounts(client);
      await client.query('ALTER EXTENSION pgagent UPDATE');
      expect((await client.query("SELECT extversion FROM pg_extension WHERE extname = 'pgagent'")).rows).toEqual([
        { extversion: DEFAULT_VERSION },
      ]);
      expect(await tableCounts(client)).toEqual(before);
    } finally {
      await client.end();
    }
  });
});

test("3.4's schema version 3 becomes 4 on the update to 4.2", async () => {
  await withDatabase('3.4', async (db) => {
    const version = async (): Promise<unknown> => (await db.query('SELECT pgagent.pgagent_schema_version() AS v'))[0].v;
    expect(await version()).toBe(3);
    await db.query("ALTER EXTENSION pgagent UPDATE TO '4.2'");
    expect(await version()).toBe(4);
  });
});
