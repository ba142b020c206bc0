import * as fs from 'fs';
import { defaultPgBin } from '../scripts/cluster';
import { createTestDatabase, testCluster } from './helpers/db';
import { controlDefaultVersion, serverMajor } from './helpers/versions';

test("the default install is the control file's default_version", async () => {
  const db = await createTestDatabase();
  const rows = await db.query<{ extversion: string }>(
    "SELECT extversion FROM pg_extension WHERE extname = 'pgagent'",
  );
  expect(rows[0].extversion).toBe(controlDefaultVersion());
  await db.drop();
});

test('the server is the PostgreSQL major the suite was asked for (PG_MAJOR), run from its own tree', async () => {
  expect(serverMajor()).toBe(Number(process.env.PG_MAJOR || '15'));
  // pg_config reports the directories the running server was built to use, relative to its binary.
  const bindir = testCluster().psql("SELECT setting FROM pg_config WHERE name = 'BINDIR'").trim();
  expect(fs.realpathSync(bindir)).toBe(fs.realpathSync(defaultPgBin()));
});
