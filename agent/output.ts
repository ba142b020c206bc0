// A step's output as stored in pga_jobsteplog.jsloutput: bounded, and always valid text.
//
// Only the first and the last OUTPUT_LIMIT / 2 bytes are kept, joined by a marker that says how
// much was left out, so a step printing 100 MB costs a fixed amount of memory and log space.
// PostgreSQL text cannot hold NUL bytes and the output may not be UTF-8, so when the text is
// made, invalid UTF-8 sequences become U+FFFD (the replacement character) and NUL bytes become
// U+2400 (the visible "symbol for null").

export const OUTPUT_LIMIT = 1024 * 1024;

export class BoundedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly limit = OUTPUT_LIMIT) {}

  append(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += data.length;
    const headRoom = this.limit / 2 - this.headBytes;
    if (headRoom > 0) {
      const part = data.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      data = data.subarray(part.length);
    }
    if (!data.length) return;
    this.tail.push(data);
    this.tailBytes += data.length;
    this.trimTail();
  }

  /** Appends a line of text (a notice, an error, a note from the agent), on a line of its own. */
  appendLine(line: string): void {
    if (this.total > 0 && !this.endsWithNewline()) this.append('\n');
    this.append(line.endsWith('\n') ? line : `${line}\n`);
  }

  text(): string {
    const head = Buffer.concat(this.head);
    if (!this.tailBytes) return toText(head);
    const tail = Buffer.concat(this.tail);
    const omitted = this.total - head.length - tail.length;
    if (omitted === 0) return toText(Buffer.concat([head, tail]));
    // Cut on character boundaries so no character is split into two replacement characters.
    const headEnd = completeLength(head);
    const tailStart = firstCharStart(tail);
    const skipped = omitted + (head.length - headEnd) + tailStart;
    const marker = `\n[... ${skipped} bytes of output omitted ...]\n`;
    return toText(head.subarray(0, headEnd)) + marker + toText(tail.subarray(tailStart));
  }

  private endsWithNewline(): boolean {
    const last = this.tail.length ? this.tail[this.tail.length - 1] : this.head[this.head.length - 1];
    return last !== undefined && last[last.length - 1] === 0x0a;
  }

  private trimTail(): void {
    const keep = this.limit / 2;
    while (this.tailBytes - this.tail[0].length >= keep) this.tailBytes -= this.tail.shift()!.length;
    if (this.tailBytes > keep) {
      const excess = this.tailBytes - keep;
      this.tail[0] = this.tail[0].subarray(excess);
      this.tailBytes = keep;
    }
  }
}

/** The length of buf without a multi-byte character cut off at its end. */
function completeLength(buf: Buffer): number {
  let lead = buf.length - 1;
  while (lead > buf.length - 4 && lead > 0 && (buf[lead] & 0xc0) === 0x80) lead--;
  const b = buf[lead];
  const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + size > buf.length ? lead : buf.length;
}

/** Where the first whole character of buf starts: past continuation bytes cut from the one before. */
function firstCharStart(buf: Buffer): number {
  let i = 0;
  while (i < 3 && i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}

export function toText(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\0/g, '\u2400');
}
