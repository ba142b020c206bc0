// The README is read in clones and in the npm package: every link stays inside the repository,
// every in-page link has its heading, and the newcomer's test command is the one CI runs.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

test('no link leaves the repository', () => {
  expect(links.length).toBeGreaterThan(10);
  expect(links.filter((l) => /^[a-z]+:|^\/|(^|\/)\.\.(\/|$)/i.test(l))).toEqual([]);
});

test('every in-page link points at a heading', () => {
  const headings = new Set([...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
  expect(links.filter((l) => l.startsWith('#') && !headings.has(l.slice(1)))).toEqual([]);
});

test('the test command is the one CI runs', () => {
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^bash scripts\/test\.sh$/m);
  expect(README).toMatch(/^bash scripts\/test\.sh\b/m);
});
