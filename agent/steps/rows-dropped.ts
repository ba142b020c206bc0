// A step's rows are counted, never kept, so their values need not reach the agent at all:
// between a step connection's socket and node-postgres's protocol parser, every DataRow ('D')
// and CopyData ('d') message is replaced by an empty one as it streams past. The parser still
// sees one message per row (the count stays right) but never buffers a value, so a step's
// memory is bounded whatever it selects: a 540 MB text value would otherwise be one buffer
// and then one string longer than V8 allows (ERR_STRING_TOO_LONG), which kills the agent.
import { PoolClient } from 'pg';

const EMPTY_DATA_ROW = Buffer.from([0x44, 0, 0, 0, 6, 0, 0]); // 'D', length 6, 0 fields
const EMPTY_COPY_DATA = Buffer.from([0x64, 0, 0, 0, 4]); // 'd', length 4, no bytes
const HEADER = 5; // type byte and int32 length (which counts itself)
const NO_BYTES = Buffer.alloc(0);

/**
 * Turns a stream of protocol messages into the same stream with row messages emptied. A chunk
 * without rows is passed on as it is; one with rows costs one copy, of what it keeps.
 */
export class RowDropper {
  /** The start of a header the last chunk ended in. */
  private header = NO_BYTES;
  /** Bytes left of the current message's body, and whether they are passed on or dropped. */
  private left = 0;
  private dropping = false;

  filter(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let from = 0; // the start of the chunk's bytes not yet passed on or dropped
    const passUpTo = (to: number): void => {
      if (to > from) out.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
      from = to;
    };
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        if (this.dropping) {
          passUpTo(at);
          from = at + n;
        }
        this.left -= n;
        at += n;
        continue;
      }
      let header: Buffer;
      let split = false;
      if (!this.header.length && chunk.length - at >= HEADER) {
        header = chunk.subarray(at, at + HEADER);
        at += HEADER;
      } else {
        // A header across chunks is gathered, then passed on (or replaced) in one piece.
        passUpTo(at);
        const taken = chunk.subarray(at, at + HEADER - this.header.length);
        this.header = Buffer.concat([this.header, taken]);
        at = from = at + taken.length;
        if (this.header.length < HEADER) break;
        header = this.header;
        this.header = NO_BYTES;
        split = true;
      }
      const type = header[0];
      this.left = header.readInt32BE(1) - 4;
      this.dropping = type === 0x44 || type === 0x64;
      if (this.dropping) {
        passUpTo(at - (split ? 0 : HEADER));
        from = at;
        out.push(type === 0x44 ? EMPTY_DATA_ROW : EMPTY_COPY_DATA);
      } else if (split) out.push(header);
    }
    passUpTo(chunk.length);
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}

const filtered = new WeakSet<object>();

/**
 * Puts a RowDropper in front of the client's protocol parser (once per connection). Call it on
 * a connected client with no query running, so that no message is half read.
 */
export function dropRows(client: PoolClient): void {
  const stream = (client as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream;
  if (filtered.has(stream)) return;
  filtered.add(stream);
  const parsers = stream.listeners('data') as ((chunk: Buffer) => void)[];
  for (const p of parsers) stream.removeListener('data', p);
  const dropper = new RowDropper();
  stream.on('data', (chunk: Buffer) => {
    const data = dropper.filter(chunk);
    if (data.length) for (const p of parsers) p(data);
  });
}
