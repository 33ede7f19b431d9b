import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Sum of RSS of a process and all its descendants (Node + Chromium), from /proc. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      const pid = Number(entry);
      rss.set(pid, pages * 4096);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(pid);
    } catch {
      // process ended while we looked
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The whole `netcustody run` on this host: wall time, peak memory of the process tree, capture window. */
export async function benchRun(): Promise<BenchRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'nc-bench-run-'));
  try {
    const launchedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', '--out', out, '--case', 'BENCH', '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeRss(child.pid));
    }, 25);
    const code: number = await new Promise((res) => child.on('exit', (c) => res(c ?? -1)));
    clearInterval(timer);
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`run exited ${code}: ${stderr.trim().split('\n').pop()}`);
    const result = JSON.parse(stdout) as { evidenceDir: string; counts: { connections: number } };
    const acq = JSON.parse(readFileSync(join(result.evidenceDir, 'acquisition.json'), 'utf8')) as { captureWindow: { start: string; durationMs: number } };
    const launchToCapture = Date.parse(acq.captureWindow.start) - launchedAt;
    return [
      { area: 'run', metric: `netcustody run on this host (${result.counts.connections} connections)`, value: Math.round(wall * 100) / 100, unit: 's wall' },
      { area: 'run', metric: 'peak memory of the process tree (Node + Chromium)', value: Math.round(peak / 1e6), unit: 'MB' },
      { area: 'run', metric: 'launch → first capture command started (process start-up included)', value: launchToCapture, unit: 'ms' },
      { area: 'run', metric: 'capture window (first command started → last finished)', value: Math.round(acq.captureWindow.durationMs * 10) / 10, unit: 'ms' },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
