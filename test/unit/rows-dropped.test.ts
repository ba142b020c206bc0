// The filter in front of a step connection's protocol parser: row messages are emptied,
// everything else passes unchanged, however the socket splits the stream into chunks.
import { RowDropper } from '../../agent/steps/rows-dropped';

const message = (type: string, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const dataRow = (value: string): Buffer => {
  const v = Buffer.from(value);
  const body = Buffer.alloc(2 + 4 + v.length);
  body.writeInt16BE(1, 0);
  body.writeInt32BE(v.length, 2);
  v.copy(body, 6);
  return message('D', body);
};
const EMPTY_ROW = message('D', Buffer.from([0, 0]));
const EMPTY_COPY = message('d', Buffer.alloc(0));

const description = message('T', Buffer.from('\x00\x01x\x00whatever bytes'));
const done = message('C', Buffer.from('SELECT 2\x00'));
const ready = message('Z', Buffer.from('I'));
const stream = Buffer.concat([
  description,
  dataRow('first value'),
  dataRow(''),
  done,
  message('d', Buffer.from('copied line\n')),
  message('d', Buffer.alloc(0)),
  ready,
]);
const expected = Buffer.concat([description, EMPTY_ROW, EMPTY_ROW, done, EMPTY_COPY, EMPTY_COPY, ready]);

const filtered = (chunks: Buffer[]): Buffer => {
  const dropper = new RowDropper();
  return Buffer.concat(chunks.map((c) => dropper.filter(c)));
};

test('in one chunk', () => {
  expect(filtered([stream])).toEqual(expected);
});

test('split in two at every byte', () => {
  for (let i = 0; i <= stream.length; i++)
    expect(filtered([stream.subarray(0, i), stream.subarray(i)])).toEqual(expected);
});

test('one byte at a time', () => {
  expect(filtered([...stream].map((b) => Buffer.from([b])))).toEqual(expected);
});

test('split in three at every pair of bytes', () => {
  for (let i = 0; i <= stream.length; i++)
    for (let j = i; j <= stream.length; j++)
      expect(filtered([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])).toEqual(expected);
});

test('a chunk without rows is passed on as it is', () => {
  const chunk = Buffer.concat([done, ready]);
  expect(new RowDropper().filter(chunk)).toBe(chunk);
});
