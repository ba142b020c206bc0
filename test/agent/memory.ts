// A process's peak memory, as the kernel counts it: VmHWM is the peak resident set size, and
// writing 5 to clear_refs starts a new peak from the current size (Linux >= 4.0).
import * as fs from 'fs';

export function peakRssMb(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
