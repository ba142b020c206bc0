import { createTestDatabase } from './helpers/db';

test('the default install is 4.3', async () => {
  const db = await createTestDatabase();
  const rows = await db.query<{ extversion: string }>("SELECT extversion FROM pg_extension WHERE extname = 'pgagent'");
  expect(rows[0].extversion).toBe('4.3');
  await db.drop();
});
