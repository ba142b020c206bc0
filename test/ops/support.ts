// Small local peers for the notification tests: a logger that keeps its lines, and an HTTP
// server that records what is POSTed to it and answers with the status the test chooses.
import * as http from 'http';
import { AddressInfo } from 'net';
import { Logger } from '../../agent/logger';

export interface MemoryLogger extends Logger {
  lines: string[];
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const add = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return {
    lines,
    error: add('ERROR'),
    warn: add('WARNING'),
    debug: add('DEBUG'),
    reopen: () => true,
    close: async () => {},
  };
}

export interface Receiver {
  url: URL;
  bodies: string[];
  /** Status for the next requests, in order; 200 once they are used up. */
  statuses: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const bodies: string[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/hook`),
    bodies,
    statuses,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
