// Notification delivery without a database: the queue's retries and bound, the webhook's
// POST and the command's standard input, against a local HTTP server and real processes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runWithStdin } from '../../agent/notify/command';
import { DeliveryQueue } from '../../agent/notify/delivery-queue';
import { parseWebhookUrl, postJson } from '../../agent/notify/webhook';
import { waitFor } from '../helpers/wait';
import { memoryLogger, Receiver, startReceiver } from './support';

const fast = { capacity: 5, attempts: 3, firstDelayMs: 10, maxDelayMs: 40 };
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

test('a POST carries the JSON; a non-2xx answer is a failure', async () => {
  const signal = new AbortController().signal;
  await postJson(receiver.url, '{"a":1}', 5000, signal);
  expect(receiver.bodies).toEqual(['{"a":1}']);
  receiver.statuses.push(500);
  await expect(postJson(receiver.url, '{}', 5000, signal)).rejects.toThrow('answered HTTP 500');
});

test('failed deliveries are retried with back-off until one succeeds', async () => {
  const logger = memoryLogger();
  receiver.statuses.push(503, 502);
  const queue = new DeliveryQueue<string>('test', (b, s) => postJson(receiver.url, b, 5000, s), fast, logger);
  queue.push('{"run":1}');
  await waitFor(() => queue.delivered === 1, { intervalMs: 20, what: 'delivery' });
  expect(receiver.bodies).toEqual(['{"run":1}', '{"run":1}', '{"run":1}']);
  expect(logger.lines.filter((l) => l.includes('try'))).toHaveLength(2);
  await queue.close();
});

test('a dead receiver neither blocks push() nor lets the queue grow past its capacity', async () => {
  const logger = memoryLogger();
  await receiver.close();
  const dead = receiver.url;
  receiver = await startReceiver();
  const queue = new DeliveryQueue<string>(
    'test',
    (b, s) => postJson(dead, b, 5000, s),
    { ...fast, attempts: 1000 },
    logger,
  );
  const started = process.hrtime.bigint();
  for (let i = 0; i < 10000; i++) queue.push(`{"run":${i}}`);
  const pushMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect(queue.length).toBeLessThanOrEqual(fast.capacity);
  expect(queue.dropped).toBeGreaterThanOrEqual(10000 - fast.capacity - 1);
  expect(logger.lines.filter((l) => l.includes('queue full'))).toHaveLength(1);
  // Pushing is bookkeeping only: no network wait (a generous bound, not a timing claim).
  expect(pushMs).toBeLessThan(5000);
  await queue.close();
});

test('after the last try an item is given up with an error line, and the next one is delivered', async () => {
  const logger = memoryLogger();
  receiver.statuses.push(500, 500, 500);
  const queue = new DeliveryQueue<string>('test', (b, s) => postJson(receiver.url, b, 5000, s), fast, logger);
  queue.push('first');
  queue.push('second');
  await waitFor(() => queue.delivered === 1 && queue.failed === 1, { intervalMs: 20, what: 'delivery' });
  expect(receiver.bodies).toEqual(['first', 'first', 'first', 'second']);
  expect(logger.lines.some((l) => l.startsWith('ERROR test: giving up after 3 tries'))).toBe(true);
  await queue.close();
});

test('--notify-command gets the JSON on its standard input; a failing command is an error with its message', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-notify-'));
  try {
    const out = path.join(dir, 'out.json');
    const signal = new AbortController().signal;
    await runWithStdin(`cat > '${out}'`, '{"run":7}', 5000, signal);
    expect(fs.readFileSync(out, 'utf8')).toBe('{"run":7}');
    await expect(runWithStdin('echo nope >&2; exit 3', '{}', 5000, signal)).rejects.toThrow(
      'exited with status 3: nope',
    );
    await expect(runWithStdin('sleep 30', '{}', 200, signal)).rejects.toThrow('did not finish within 0.2 s');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('webhook URLs must be http or https', () => {
  expect(parseWebhookUrl('https://example.invalid/x')).toBeInstanceOf(URL);
  expect(parseWebhookUrl('ftp://x')).toMatch('must be an http:// or https:// URL');
  expect(parseWebhookUrl('not a url')).toMatch('must be an http:// or https:// URL');
});
