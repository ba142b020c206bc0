// The private directories batch steps run in: <tmpdir>/pgagent-<agent's OS pid>-step-XXXXXX.
// The pid in the name lets the next agent on the host remove what a killed agent left behind.
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';

const DIR_NAME = /^pgagent-(\d+)-step-/;

/** A fresh directory, mode 0700, with an unpredictable name. */
export function stepDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `pgagent-${process.pid}-step-`));
}

export function removeStepDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** Removes the step directories of agents that are no longer running; returns those removed. */
export async function removeStaleStepDirs(tmp = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
    const pid = Number(DIR_NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || running(pid)) continue;
    const dir = path.join(tmp, name);
    // Another user's directory, or one that resists removal, is not ours to insist on.
    if (
      await removeStepDir(dir).then(
        () => true,
        () => false,
      )
    )
      removed.push(dir);
  }
  return removed;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
