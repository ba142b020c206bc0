// What the statement modules need of a connection: one parameterised query at a time.
import { Client } from 'pg';

export interface Db {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

/** A node-postgres client as a Db. */
export function clientDb(client: Client): Db {
  return {
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
      const { rows, rowCount } = await client.query(sql, params);
      return { rows: rows as R[], rowCount: rowCount ?? 0 };
    },
  };
}
