// Text for a database whose encoding (LATIN1, WIN1252, EUC_JP, ...) cannot hold every character
// of a step's output: only the characters it cannot hold become '?'. Which ones those are is
// asked of the server (fits), by halves: k such characters among n distinct ones cost about
// k log n questions, and only when a write has already been refused.

/** text with every character that fits() refuses replaced by '?'. */
export async function replaceUnstorable(
  text: string,
  fits: (s: string) => Promise<boolean>,
): Promise<string> {
  // eslint-disable-next-line no-control-regex -- ASCII (all of it) is in every server encoding
  const candidates = [...new Set(text.replace(/[\x00-\x7f]/g, ''))];
  const refused = await refusedOf(candidates, fits);
  if (!refused.size) return text;
  return [...text].map((c) => (refused.has(c) ? '?' : c)).join('');
}

async function refusedOf(chars: string[], fits: (s: string) => Promise<boolean>): Promise<Set<string>> {
  if (!chars.length || (await fits(chars.join('')))) return new Set();
  if (chars.length === 1) return new Set(chars);
  const mid = chars.length >> 1;
  const [a, b] = await Promise.all([refusedOf(chars.slice(0, mid), fits), refusedOf(chars.slice(mid), fits)]);
  return new Set([...a, ...b]);
}
