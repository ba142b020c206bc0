// Extension 4.3's trigger pga_job_notify notifies pgagent_job when a job becomes due sooner
// than an agent may know (Run now, a new or changed schedule); 4.4's pgagent.stop notifies
// pgagent_stop when someone asks for a run to stop. Without them (4.2) nothing comes.
import { Client, Notification } from 'pg';

export const LISTEN = 'LISTEN pgagent_job';
export const LISTEN_STOP = 'LISTEN pgagent_stop';

/** Calls onChange or onStop for every notification on this connection; each new connection listens again. */
export async function listenForJobChanges(
  client: Client,
  onChange: () => void,
  onStop: () => void = () => {},
): Promise<void> {
  client.on('notification', (n: Notification) => (n.channel === 'pgagent_stop' ? onStop() : onChange()));
  await client.query(`${LISTEN}; ${LISTEN_STOP}`); // one round trip (simple protocol)
}
