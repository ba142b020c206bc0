// The service connection's statements, one after another (the poll loop and every run share
// it, across reconnects), each with parameters prepared once per connection and then only executed: the server parses and
// plans a run's statements once, not for every run. Others (BEGIN, COMMIT) go unnamed.
import { Client } from 'pg';

const statementNames = new Map<string, string>();

/** The same name for the same text (all constant texts), on every connection. */
function statementName(sql: string, params: unknown[]): string | undefined {
  if (params.length === 0) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined) statementNames.set(sql, (name = `pgagent_${statementNames.size + 1}`));
  return name;
}

export class StatementQueue {
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs the statement on client after those queued before it; rejects with what the client throws. */
  async run<R extends Record<string, unknown>>(
    client: Client,
    sql: string,
    params: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }> {
    const res = this.queue.then(() =>
      client.query({ name: statementName(sql, params), text: sql, values: params }),
    );
    this.queue = res.catch(() => {});
    const { rows, rowCount } = await res;
    return { rows: rows as R[], rowCount: rowCount ?? 0 };
  }
}
