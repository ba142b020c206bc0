// The install-schema and upgrade-schema commands: connect as the connect string says (libpq's
// rules, as the agent does), run the command, print what it did. Returns the exit code.
import { Client } from 'pg';
import { connect, parseConninfo } from '../libpq';
import { describeError } from '../pg-errors';
import { runSchemaCommand, SchemaCommand, SchemaOutcome } from './install';

export async function schemaCommand(
  command: SchemaCommand,
  conninfo: string,
  exitFatal: number,
): Promise<number> {
  const warn = (msg: string): void => void process.stderr.write(`pgagent: warning: ${msg}\n`);
  let client: Client | undefined;
  try {
    const connected = await connect(parseConninfo(conninfo), { warn });
    client = connected;
    connected.on('error', () => {});
    process.stdout.write(`pgagent: ${report(await runSchemaCommand(connected, command))}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`pgagent: ${command}: ${describeError(e)}\n`);
    return exitFatal;
  } finally {
    await client?.end().catch(() => {});
  }
}

function report({ from, to, applied }: SchemaOutcome): string {
  if (applied.length === 0) return `schema pgagent is at ${to} already; nothing to do`;
  const what =
    from === null ? `installed schema pgagent ${to}` : `updated schema pgagent from ${from} to ${to}`;
  return `${what} (${applied.join(', ')})`;
}
