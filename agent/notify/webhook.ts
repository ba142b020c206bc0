// Delivery by HTTP: the run's JSON POSTed to a URL. Any 2xx answer is success; other answers,
// connection errors and the timeout are failures for the delivery queue to retry. Node's http
// module rather than fetch, which is still experimental (and warns) on Node 18.
import * as http from 'http';
import * as https from 'https';

export function postJson(url: URL, body: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'pgagent',
        },
        timeout: timeoutMs,
        signal,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`${url.origin} answered HTTP ${status}`));
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs / 1000} s`)),
    );
    req.on('error', (e) => reject(new Error(`POST to ${url.origin} failed: ${e.message}`)));
    req.end(body);
  });
}

/** A URL for --notify-webhook, or an error message. */
export function parseWebhookUrl(value: string): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `--notify-webhook must be an http:// or https:// URL, not "${value}"`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:'
    ? url
    : `--notify-webhook must be an http:// or https:// URL, not "${value}"`;
}
