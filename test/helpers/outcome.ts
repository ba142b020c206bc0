import { Client, DatabaseError } from 'pg';

/** 'ok' if the statement succeeds, else its SQLSTATE and the violated constraint, if any. */
export async function outcome(client: Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await client.query(sql, params);
    return 'ok';
  } catch (e) {
    const err = e as DatabaseError;
    if (!err.code) throw e;
    return `${err.code} ${err.constraint ?? ''}`.trim();
  }
}
