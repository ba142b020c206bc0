// An agent's resource use, read from /proc: CPU seconds (its own and its reaped children's),
// peak resident memory (VmHWM), threads, and live child processes (batch steps, or the
// processes a forking agent would start).
import * as fs from 'fs';

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux/x86-64

export interface ProcSnapshot {
  cpuSelf: number;
  cpuChildren: number;
  rssMB: number;
  peakRssMB: number;
  threads: number;
}

/** Reads /proc/PID; undefined once the process is gone. */
export function readProc(pid: number): ProcSnapshot | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number): number => Number(fields[i - 3]); // i = field number in proc(5)
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return {
      cpuSelf: (ticks(14) + ticks(15)) / CLOCK_TICKS,
      cpuChildren: (ticks(16) + ticks(17)) / CLOCK_TICKS,
      rssMB: kb('VmRSS') / 1024,
      peakRssMB: kb('VmHWM') / 1024,
      threads: kb('Threads'),
    };
  } catch {
    return undefined;
  }
}

/** Live direct children of pid (from every thread's children list). */
export function countChildren(pid: number): number {
  let n = 0;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const list = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) n += list.split(/\s+/).length;
    }
  } catch {
    // The process (or a thread) ended while we looked.
  }
  return n;
}
