import { spawn } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLinuxNetstat } from '../parse/linux-netstat-gen.js';
import { generateWindowsNetstat } from '../parse/windows-netstat-gen.js';
import { treeMemory } from './proc-memory.js';
import type { BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

interface CliRun {
  stdout: string;
  wallS: number;
  /** Peak memory (PSS) of the process tree (Node and any Chromium it starts), sampled every 25 ms. */
  peakBytes: number;
}

/** One CLI command in a child process, watched for wall time and peak memory; throws when it fails. */
async function cli(args: string[]): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeMemory(child.pid));
  }, 25);
  const code: number = await new Promise((res) => child.on('exit', (c) => res(c ?? -1)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${args[0]} exited ${code}: ${stderr.trim().split('\n').pop()}`);
  return { stdout, wallS: (performance.now() - t0) / 1000, peakBytes: peak };
}

const SOCKETS = 100_000;

const BUSY_CAPTURES = [
  { label: 'netstat -anp', os: 'linux', generate: generateLinuxNetstat },
  { label: 'netstat -anob', os: 'windows', generate: generateWindowsNetstat },
] as const;

/** import → analyze → report → bundle of a busy server's socket listing, stage by stage. */
async function benchBusyServer(out: string, capture: (typeof BUSY_CAPTURES)[number]): Promise<BenchRow[]> {
  const file = join(out, `${capture.os}.txt`);
  writeFileSync(file, capture.generate(SOCKETS));
  const mb = (b: number) => Math.round(b / 1e6);
  const imported = await cli(['import', file, '--command', capture.label, '--os', capture.os, '--out', out, '--case', `BUSY-${capture.os}`, '--json', '--quiet']);
  const dir = (JSON.parse(imported.stdout) as { evidenceDir: string }).evidenceDir;
  const rows: BenchRow[] = [];
  for (const stage of ['analyze', 'report', 'bundle'] as const) {
    const r = await cli([stage, dir, '--quiet']);
    rows.push({ area: 'run', metric: `${SOCKETS.toLocaleString('en')}-socket ${capture.label} (${(statSync(file).size / 1e6).toFixed(1)} MB): ${stage}, peak memory of the process tree (PSS)`, value: Math.round(r.wallS * 10) / 10, unit: `s, ${mb(r.peakBytes)} MB` });
  }
  return rows;
}

/** The whole `netcustody run` on this host: wall time, peak memory of the process tree, capture window. */
export async function benchRun(): Promise<BenchRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'nc-bench-run-'));
  try {
    const launchedAt = Date.now();
    const r = await cli(['run', '--out', out, '--case', 'BENCH', '--json', '--quiet']);
    const wall = r.wallS;
    const peak = r.peakBytes;
    const result = JSON.parse(r.stdout) as { evidenceDir: string; counts: { connections: number } };
    const acq = JSON.parse(readFileSync(join(result.evidenceDir, 'acquisition.json'), 'utf8')) as { captureWindow: { start: string; durationMs: number } };
    const launchToCapture = Date.parse(acq.captureWindow.start) - launchedAt;
    return [
      { area: 'run', metric: `netcustody run on this host (${result.counts.connections} connections)`, value: Math.round(wall * 100) / 100, unit: 's wall' },
      { area: 'run', metric: 'peak memory of the process tree (Node + Chromium, PSS)', value: Math.round(peak / 1e6), unit: 'MB' },
      { area: 'run', metric: 'launch → first capture command started (process start-up included)', value: launchToCapture, unit: 'ms' },
      { area: 'run', metric: 'capture window (first command started → last finished)', value: Math.round(acq.captureWindow.durationMs * 10) / 10, unit: 'ms' },
      ...(await benchBusyServer(out, BUSY_CAPTURES[0])),
      ...(await benchBusyServer(out, BUSY_CAPTURES[1])),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
