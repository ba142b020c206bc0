// The agent's HTTP endpoint (--http [ADDR:]PORT, off by default, ADDR 127.0.0.1 unless given):
//   /livez    200 while the agent's loop runs (a hung event loop does not answer at all)
//   /readyz   200 when the service connection is up and the agent registered, else 503 and why
//   /metrics  Prometheus text format
import * as http from 'http';
import { AddressInfo } from 'net';

export interface HealthSource {
  /** True while the poll loop is running. */
  live(): boolean;
  /** null when ready, else the reason it is not. */
  notReadyReason(): string | null;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface HttpAddress {
  host: string;
  port: number;
}

/** Parses --http's [ADDR:]PORT ([::1]:9187 for IPv6); returns an error message when invalid. */
export function parseHttpAddress(value: string): HttpAddress | string {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535)
    return `--http must be [ADDR:]PORT with a port from 1 to 65535, not "${value}"`;
  return { host: m[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port };
}

export interface HealthServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startHealthServer(address: HttpAddress, source: HealthSource): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    void answer(req.url ?? '/', source).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return {
    address: server.address() as AddressInfo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(
  url: string,
  source: HealthSource,
): Promise<{ status: number; type: string; body: string }> {
  const text = 'text/plain; charset=utf-8';
  switch (url.split('?')[0]) {
    case '/livez':
      return source.live()
        ? { status: 200, type: text, body: 'ok\n' }
        : { status: 503, type: text, body: 'the poll loop has stopped\n' };
    case '/readyz': {
      const reason = source.notReadyReason();
      return reason === null
        ? { status: 200, type: text, body: 'ok\n' }
        : { status: 503, type: text, body: `${reason}\n` };
    }
    case '/metrics':
      try {
        const { contentType, body } = await source.metrics();
        return { status: 200, type: contentType, body };
      } catch (e) {
        return { status: 500, type: text, body: `${(e as Error).message}\n` };
      }
    default:
      return { status: 404, type: text, body: 'not found: try /livez, /readyz or /metrics\n' };
  }
}
