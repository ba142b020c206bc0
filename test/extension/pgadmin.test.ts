// The statements pgAdmin 4's pgAgent screens send work unchanged on every shipped version's
// extension install (the statements are in test/helpers/pgadmin.ts).
import { createTestDatabase } from '../helpers/db';
import { pgAdminStatementTests } from '../helpers/pgadmin';

describe.each(['4.2', '4.3', '4.4'])('pgAdmin against pgagent %s', (version) => {
  pgAdminStatementTests(() => createTestDatabase({ extension: version }));
});
