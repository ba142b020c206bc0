// --pidfile for init systems: the running agent's pid in a file, removed when it exits. A file
// that names a live process means another agent: refuse to start rather than take it over.
import * as fs from 'fs';

export class PidFileError extends Error {}

/** Throws PidFileError if file names a running process other than this one. */
export function checkPidFile(file: string): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new PidFileError(`cannot read pid file "${file}": ${(e as Error).message}`);
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
    throw new PidFileError(
      `pid file "${file}" names a running process (pid ${pid}): is another agent running?`,
    );
  }
}

/** Checks file (see checkPidFile), then writes this process's pid to it, atomically. */
export function writePidFile(file: string): void {
  checkPidFile(file);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${process.pid}\n`, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new PidFileError(`cannot write pid file "${file}": ${(e as Error).message}`);
  }
}

/** Removes file if it still names this process. */
export function removePidFile(file: string): void {
  try {
    if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.rmSync(file);
  } catch {
    // Gone already, or replaced: nothing of ours to remove.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
