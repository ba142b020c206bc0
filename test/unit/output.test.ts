import { BoundedOutput, toText } from '../../agent/output';

describe('BoundedOutput', () => {
  test('keeps everything under the limit', () => {
    const out = new BoundedOutput(16);
    out.append('hello ');
    out.append(Buffer.from('world'));
    expect(out.text()).toBe('hello world');
  });

  test('keeps the head and the tail with a marker counting what was left out', () => {
    const out = new BoundedOutput(10);
    for (const c of 'abcdefghijklmnopqrstuvwxyz') out.append(c);
    expect(out.text()).toBe('abcde\n[... 16 bytes of output omitted ...]\nvwxyz');
  });

  test('a chunk larger than the limit', () => {
    const out = new BoundedOutput(10);
    out.append('0123456789ABCDEFGHIJ');
    expect(out.text()).toBe('01234\n[... 10 bytes of output omitted ...]\nFGHIJ');
  });

  test('does not split a multi-byte character at the cuts', () => {
    const out = new BoundedOutput(8);
    out.append('aéé'); // the head's 4 bytes end inside the second é
    out.append('xxxxxxxxxx€€'); // € is 3 bytes: the tail's 4 bytes start inside the first €
    const text = out.text();
    expect(text.startsWith('aé\n[... ')).toBe(true);
    expect(text.endsWith(' omitted ...]\n€')).toBe(true);
    expect(text).not.toContain('\ufffd');
  });

  test('appendLine puts a line on a line of its own', () => {
    const out = new BoundedOutput();
    out.append('partial');
    out.appendLine('[note]');
    expect(out.text()).toBe('partial\n[note]\n');
  });
});

test('invalid UTF-8 becomes U+FFFD and NUL becomes U+2400', () => {
  expect(toText(Buffer.from([0x61, 0x00, 0x62, 0xff, 0x63]))).toBe('a\u2400b\ufffdc');
});
