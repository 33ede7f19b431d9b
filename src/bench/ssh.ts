// SSH transport figures (issues 13 and 16): one namespace host collected over SSH beside a local
// collect inside the same namespace, then 20 namespace hosts in parallel from the workstation
// namespace — wall time, the slowest host's capture window, peak memory of the workstation's
// process tree (netcustody and every ssh it starts). Real sshd (test/lab/sshd.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
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
  /** CPU seconds (user + system) of the workstation side: netcustody and every ssh client it ran. */
  cpuS: number;
}

async function cliIn(ns: string, args: string[]): Promise<Run> {
  const t0 = performance.now();
  // bash's `times` after the command: CPU of the children it waited for (node and its ssh clients;
  // not the targets' sshd, whose sessions belong to the sshd process in each namespace).
  const script = '"$@"; rc=$?; echo NC-TIMES >&2; times >&2; exit $rc';
  const child = spawn('bash', ['-c', script, 'bash', 'ip', 'netns', 'exec', ns, process.execPath, CLI, ...args, '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeMemory(child.pid));
  }, 25);
  const code: number = await new Promise((res) => child.on('exit', (c) => res(c ?? -1)));
  clearInterval(timer);
  const times = stderr.slice(stderr.lastIndexOf('NC-TIMES\n') + 9);
  stderr = stderr.slice(0, stderr.lastIndexOf('NC-TIMES\n'));
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').pop()}`);
  // `times`: line 2 is the children's "XmY.YYYs XmY.YYYs" (user, system).
  const kids = times.trim().split('\n')[1]?.split(/\s+/) ?? [];
  return { json: JSON.parse(stdout), wallS: (performance.now() - t0) / 1000, peakBytes: peak, cpuS: sec(kids[0] ?? '') + sec(kids[1] ?? '') };
}

/**
 * CPU seconds the target side spent so far: the sshd listener's own time plus what it reaped (every
 * connection, session, shell and command of that namespace host ends as a child it waited for).
 */
function sshdCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}

/** Target CPU of the hosts, taken around fn (after it, the reaped sessions are counted). */
async function withTargetCpu<T>(hosts: { proc: { pid: number } }[], fn: () => Promise<T>): Promise<[T, number]> {
  const before = hosts.map((h) => sshdCpu(h.proc.pid));
  const r = await fn();
  await new Promise((res) => setTimeout(res, 300));
  return [r, hosts.reduce((n, h, i) => n + sshdCpu(h.proc.pid) - before[i], 0)];
}

/** Processes started on the targets (forks and execs under each namespace's sshd) while fn runs. */
export type Started = { forks: number; execs: number } | { skipped: string };

/**
 * Counted by `perf stat` attached to each host's sshd listener: its counters are inherited by every
 * connection, session, shell and command it forks from then on, so only that host's processes
 * count (not the other engineers' or the workstation's). Skipped with the reason when perf cannot.
 */
async function withStartedProcesses<T>(pids: number[], fn: () => Promise<T>): Promise<[T, Started]> {
  if (spawnSync('perf', ['--version'], { stdio: 'ignore' }).status !== 0) return [await fn(), { skipped: 'perf is not installed' }];
  const dir = mkdtempSync(join(tmpdir(), 'nc-bench-perf-'));
  try {
    const perfs = pids.map((pid, i) => {
      const file = join(dir, `p${i}`);
      const p = spawn('perf', ['stat', '-x', ',', '-o', file, '-e', 'sched:sched_process_fork,sched:sched_process_exec', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr!.on('data', (d) => (err += d));
      const exited = new Promise<number>((res) => p.on('close', (c) => res(c ?? -1)));
      return { p, file, exited, err: () => err };
    });
    // perf prints nothing when it is attached; give it time to open its counters.
    await new Promise((res) => setTimeout(res, 1000));
    const early = perfs.find((x) => x.p.exitCode !== null);
    const r = await fn();
    await new Promise((res) => setTimeout(res, 300));
    for (const x of perfs) x.p.kill('SIGINT');
    await Promise.all(perfs.map((x) => x.exited));
    if (early) return [r, { skipped: `perf stat could not attach: ${early.err().trim().split('\n').pop()}` }];
    let forks = 0;
    let execs = 0;
    for (const x of perfs) {
      for (const line of (existsSync(x.file) ? readFileSync(x.file, 'utf8') : '').split('\n')) {
        const [count, , event] = line.split(',');
        if (!/^\d+$/.test(count ?? '')) continue;
        if (event === 'sched:sched_process_fork') forks += Number(count);
        if (event === 'sched:sched_process_exec') execs += Number(count);
      }
    }
    if (forks === 0) return [r, { skipped: 'perf stat counted no process (tracepoints not readable here?)' }];
    return [r, { forks, execs }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU milliseconds of one fork+exec on this machine, as the target's shell pays it: dash (or sh)
 * starting `sha256sum` on an empty input N times, measured by the shell's `times` (its children).
 */
function forkExecCostMs(): number {
  const n = 300;
  const shell = existsSync('/bin/dash') ? '/bin/dash' : '/bin/sh';
  const script = `i=0; while [ $i -lt ${n} ]; do sha256sum </dev/null >/dev/null; i=$((i+1)); done; times`;
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8' });
  const kids = (r.stdout ?? '').trim().split('\n')[1]?.split(/\s+/) ?? [];
  return ((sec(kids[0] ?? '') + sec(kids[1] ?? '')) * 1000) / n;
}

/** `times` prints "XmY.YYYs". */
function sec(t: string): number {
  const m = /(\d+)m([\d.]+)s/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
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
    const [[one, oneTarget], started] = await withStartedProcesses([h1.proc.pid], () => withTargetCpu([h1], () => cliIn(lab.ws, ['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--case', 'BENCH-ONE', ...common])));
    const targets = lab.hosts.flatMap((h: { name: string }) => ['--ssh', h.name]);
    const [fleet, fleetTarget] = await withTargetCpu(lab.hosts, () => cliIn(lab.ws, ['collect', ...targets, '--parallel', String(FLEET), '--ssh-config', lab.sshConfig, '--case', 'BENCH-FLEET', ...common]));
    const failed = fleet.json.hosts.filter((h: any) => h.status !== 'ok');
    if (failed.length) throw new Error(`${failed.length} of ${FLEET} hosts failed: ${failed[0].error}`);
    const slowest = Math.max(...fleet.json.hosts.map((h: any) => h.timings.captureWindowMs));
    const ms = (v: number) => Math.round(v);
    const load = os.loadavg()[0].toFixed(1);
    const cores = os.cpus().length;
    const costMs = forkExecCostMs();
    return [
      { area: 'ssh', metric: `conditions: ${os.cpus().length} cores, load average ${load}; the ${FLEET} targets' sshd and commands run on the same cores as the workstation`, value: NaN, unit: '' },
      { area: 'ssh', metric: 'one namespace host, local collect inside it: capture window', value: ms(local.json.captureWindow.durationMs), unit: `ms (wall ${local.wallS.toFixed(1)} s)` },
      { area: 'ssh', metric: 'the same host over SSH from the workstation namespace: capture window', value: ms(one.json.captureWindow.durationMs), unit: `ms (wall ${one.wallS.toFixed(1)} s incl. connect)` },
      { area: 'ssh', metric: `${FLEET} namespace hosts over SSH, --parallel ${FLEET}: wall time`, value: Math.round(fleet.wallS * 10) / 10, unit: 's', target: `≤ 3 × one host (${(3 * one.wallS).toFixed(1)} s)`, ok: fleet.wallS <= 3 * one.wallS },
      { area: 'ssh', metric: `${FLEET} hosts: slowest host's capture window`, value: ms(slowest), unit: 'ms' },
      { area: 'ssh', metric: `workstation CPU (netcustody + ssh clients): one host / ${FLEET} hosts`, value: Math.round(one.cpuS * 10) / 10, unit: `s / ${fleet.cpuS.toFixed(1)} s` },
      { area: 'ssh', metric: `target CPU (sshd, sessions, shell, commands): one host / ${FLEET} hosts`, value: Math.round(oneTarget * 100) / 100, unit: `s / ${fleetTarget.toFixed(1)} s` },
      { area: 'ssh', metric: 'CPU of one host alone, workstation + target', value: Math.round((one.cpuS + oneTarget) * 100) / 100, unit: 's' },
      { area: 'ssh', metric: `CPU per host, workstation + target, with ${FLEET} hosts (the lab's ${os.cpus().length} cores carry both sides: wall ≥ ${FLEET} × this / ${os.cpus().length})`, value: Math.round(((fleet.cpuS + fleetTarget) / FLEET) * 100) / 100, unit: 's' },
      ...startedRows(started, costMs, cores),
      { area: 'ssh', metric: `${FLEET} hosts: workstation peak memory (netcustody + ssh processes, PSS)`, value: Math.round(fleet.peakBytes / 1e6), unit: 'MB', target: '≤ 400 MB', ok: fleet.peakBytes <= 400e6 },
    ];
  } finally {
    lab.cleanup();
    rmSync(out, { recursive: true, force: true });
  }
}

/** Processes per host on the target, this machine's fork+exec cost, and the floor they set for the fleet. */
function startedRows(started: Started, costMs: number, cores: number): BenchRow[] {
  const cost: BenchRow = { area: 'ssh', metric: 'fork+exec of one small process on this machine (sh starting sha256sum, CPU)', value: Math.round(costMs * 100) / 100, unit: 'ms' };
  if ('skipped' in started) return [{ area: 'ssh', metric: `processes started on the target per host: skipped (${started.skipped})`, value: NaN, unit: '' }, cost];
  const floorCpu = (FLEET * started.forks * costMs) / 1000;
  return [
    { area: 'ssh', metric: 'processes started on the target per host (forks under its sshd, perf stat; of them exec\'d programs)', value: started.forks, unit: `(${started.execs} execs)` },
    cost,
    { area: 'ssh', metric: `floor from process creation alone: ${FLEET} hosts × processes × fork+exec cost, on ${cores} cores (the targets share them here)`, value: Math.round((floorCpu / cores) * 10) / 10, unit: `s wall (${floorCpu.toFixed(1)} CPU-s)` },
  ];
}
