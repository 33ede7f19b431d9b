// SSH transport figures (issues 13 and 16): one namespace host collected over SSH beside a local
// collect inside the same namespace, then 20 namespace hosts in parallel from the workstation
// namespace — wall time, the slowest host's capture window, peak memory of the workstation's
// process tree (netcustody and every ssh it starts). Real sshd (test/lab/sshd.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeMemory } from './proc-memory.js';
import type { BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const LAB = fileURLToPath(new URL('../../test/lab/sshd.mjs', import.meta.url));
const FLEET = 20;

interface Run {
  json: any;
  wallS: number;
  peakBytes: number;
}

async function cliIn(ns: string, args: string[]): Promise<Run> {
  const t0 = performance.now();
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, ...args, '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').pop()}`);
  return { json: JSON.parse(stdout), wallS: (performance.now() - t0) / 1000, peakBytes: peak };
}

export async function benchSsh(): Promise<BenchRow[]> {
  if (!existsSync(LAB)) return [{ area: 'ssh', metric: 'skipped: test/lab/sshd.mjs is not in this checkout', value: NaN, unit: '' }];
  const { createSshLab, sshdAvailable } = await import(LAB);
  if (!sshdAvailable()) return [{ area: 'ssh', metric: 'skipped: needs root, network namespaces and openssh-server', value: NaN, unit: '' }];
  const lab = await createSshLab({ hosts: FLEET });
  const out = mkdtempSync(join(tmpdir(), 'nc-bench-ssh-'));
  try {
    const h1 = lab.hosts[0];
    await lab.startHolder(h1.ns, 'nc', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 4444 }] });
    const common = ['--out', out, '--examiner', 'Bench'];
    const local = await cliIn(h1.ns, ['collect', '--case', 'BENCH-LOCAL', ...common]);
    const one = await cliIn(lab.ws, ['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--case', 'BENCH-ONE', ...common]);
    const targets = lab.hosts.flatMap((h: { name: string }) => ['--ssh', h.name]);
    const fleet = await cliIn(lab.ws, ['collect', ...targets, '--parallel', String(FLEET), '--ssh-config', lab.sshConfig, '--case', 'BENCH-FLEET', ...common]);
    const failed = fleet.json.hosts.filter((h: any) => h.status !== 'ok');
    if (failed.length) throw new Error(`${failed.length} of ${FLEET} hosts failed: ${failed[0].error}`);
    const slowest = Math.max(...fleet.json.hosts.map((h: any) => h.timings.captureWindowMs));
    const ms = (v: number) => Math.round(v);
    return [
      { area: 'ssh', metric: 'one namespace host, local collect inside it: capture window', value: ms(local.json.captureWindow.durationMs), unit: `ms (wall ${local.wallS.toFixed(1)} s)` },
      { area: 'ssh', metric: 'the same host over SSH from the workstation namespace: capture window', value: ms(one.json.captureWindow.durationMs), unit: `ms (wall ${one.wallS.toFixed(1)} s incl. connect)` },
      { area: 'ssh', metric: `${FLEET} namespace hosts over SSH, --parallel ${FLEET}: wall time`, value: Math.round(fleet.wallS * 10) / 10, unit: 's', target: `≤ 3 × one host (${(3 * one.wallS).toFixed(1)} s)`, ok: fleet.wallS <= 3 * one.wallS },
      { area: 'ssh', metric: `${FLEET} hosts: slowest host's capture window`, value: ms(slowest), unit: 'ms' },
      { area: 'ssh', metric: `${FLEET} hosts: workstation peak memory (netcustody + ssh processes, PSS)`, value: Math.round(fleet.peakBytes / 1e6), unit: 'MB', target: '≤ 400 MB', ok: fleet.peakBytes <= 400e6 },
    ];
  } finally {
    lab.cleanup();
    rmSync(out, { recursive: true, force: true });
  }
}
