import { createTestDatabase } from './helpers/db';
import { controlDefaultVersion } from './helpers/versions';

test("the default install is the control file's default_version", async () => {
  const db = await createTestDatabase();
  const rows = await db.query<{ extversion: string }>(
    "SELECT extversion FROM pg_extension WHERE extname = 'pgagent'",
  );
  expect(rows[0].extversion).toBe(controlDefaultVersion());
  await db.drop();
});
