// Extension 4.3's trigger pga_job_notify notifies this channel when a job becomes due sooner
// than an agent may know (Run now, a new or changed schedule). Without it (4.2) nothing comes.
import { Client } from 'pg';

export const LISTEN = 'LISTEN pgagent_job';

/** Calls onChange for every notification on this connection; each new connection listens again. */
export async function listenForJobChanges(client: Client, onChange: () => void): Promise<void> {
  client.on('notification', onChange);
  await client.query(LISTEN);
}
