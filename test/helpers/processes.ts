// Processes seen through /proc, for tests that check nothing is left running (a browser, a holder).
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs of processes whose command line names `text` (e.g. a browser's profile folder). */
export function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}
