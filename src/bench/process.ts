// A command in a child process, watched as the issue measures it: wall time start to exit, peak
// memory of the process tree (PSS; Chromium's processes apart), the Node process's own peak RSS
// (VmHWM) and the processes it started.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childrenByParent, statusBytes, treeMemory } from './proc-memory.js';

export const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface Watched {
  stdout: string;
  stderr: string;
  code: number;
  wallS: number;
  /** Peak PSS of the whole tree (Node + whatever it started), sampled. */
  treePeak: number;
  /** Peak PSS of the descendants only (Chromium when the command prints a report). */
  childrenPeak: number;
  /** The Node process's VmHWM (its own peak RSS), as last read before it exited. */
  nodeHwm: number;
  /** Distinct descendant PIDs seen while sampling (short-lived ones may be missed). */
  descendantsSeen: number;
}

function descendants(root: number): number[] {
  const children = childrenByParent();
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Run `node dist/cli/main.js ...args` (or `command ...args`, e.g. `ip netns exec …`), sampling every
 * `everyMs` (memory sampling of Chromium's tree is costly).
 */
export async function watchCli(args: string[], options: { everyMs?: number; env?: NodeJS.ProcessEnv; sampleChildren?: boolean; cli?: string; command?: string } = {}): Promise<Watched> {
  const t0 = performance.now();
  const argv = options.command ? [options.command, args] as const : [process.execPath, [options.cli ?? CLI, ...args]] as const;
  const child = spawn(argv[0], [...argv[1]], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let treePeak = 0;
  let childrenPeak = 0;
  let nodeHwm = 0;
  const seen = new Set<number>();
  const sample = (): void => {
    const pid = child.pid;
    if (!pid) return;
    try {
      nodeHwm = Math.max(nodeHwm, statusBytes('VmHWM', `/proc/${pid}/status`));
    } catch {
      // exited
    }
    if (options.sampleChildren === false) return;
    const kids = descendants(pid);
    for (const k of kids) seen.add(k);
    const kidsPss = kids.reduce((n, k) => n + treeMemoryOne(k), 0);
    childrenPeak = Math.max(childrenPeak, kidsPss);
    treePeak = Math.max(treePeak, kidsPss + treeMemoryOne(pid));
  };
  const timer = setInterval(sample, options.everyMs ?? 25);
  const code: number = await new Promise((res) => child.on('exit', (c) => res(c ?? -1)));
  clearInterval(timer);
  return { stdout, stderr, code, wallS: (performance.now() - t0) / 1000, treePeak, childrenPeak, nodeHwm, descendantsSeen: seen.size };
}

/** PSS of one process (no descendants). */
function treeMemoryOne(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // ended
  }
  return 0;
}

export { treeMemory };

/** Wall time of `jc --netstat < file` (median of `runs`); null when jc is not installed. */
export function timeJcOnce(file: string): number | null {
  if (spawnSync('jc', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', 'jc --netstat < "$1" > /dev/null', 'sh', file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`jc failed: ${String(r.stderr).trim().split('\n').pop()}`);
  return (performance.now() - t0) / 1000;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
