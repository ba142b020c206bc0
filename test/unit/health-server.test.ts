// The HTTP endpoint's answers, from a stand-in source, and --http's address syntax.
import { parseHttpAddress, startHealthServer } from '../../agent/http/server';
import { AgentMetrics } from '../../agent/metrics';

test.each([
  ['9187', { host: '127.0.0.1', port: 9187 }],
  ['0.0.0.0:9187', { host: '0.0.0.0', port: 9187 }],
  ['[::1]:80', { host: '::1', port: 80 }],
])('--http %s', (value, expected) => {
  expect(parseHttpAddress(value)).toEqual(expected);
});

test.each(['', 'x', '0', '70000', 'host:'])('--http "%s" is refused', (value) => {
  expect(parseHttpAddress(value)).toMatch('--http must be [ADDR:]PORT');
});

test('livez, readyz and metrics answer from the source', async () => {
  let reason: string | null = 'the service connection is down';
  const metrics = new AgentMetrics();
  const server = await startHealthServer(
    { host: '127.0.0.1', port: 0 },
    {
      live: () => true,
      notReadyReason: () => reason,
      metrics: async () => ({ contentType: metrics.contentType, body: await metrics.text() }),
    },
  );
  const base = `http://127.0.0.1:${server.address.port}`;
  try {
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([503, 'the service connection is down\n']);
    reason = null;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    metrics.runs.inc({ status: 'f' });
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('pgagent_runs_total{status="f"} 1');
    expect(body).toContain('process_cpu_seconds_total');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  } finally {
    await server.close();
  }
});
