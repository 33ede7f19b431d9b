// Whole-command figures (issue 16): `netcustody run` on this host start to verified bundle, the
// collect footprint on the examined host, and a busy server's 100,000 sockets stage by stage.
import { existsSync, readdirSync, readFileSync, rmSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLinuxNetstat } from '../parse/linux-netstat-gen.js';
import { generateWindowsNetstat } from '../parse/windows-netstat-gen.js';
import { countPages } from '../report/pdf-pages.js';
import { CLI, watchCli, type Watched } from './process.js';
import type { BenchRow } from './types.js';

const MB = 1e6;

async function cli(args: string[], env?: NodeJS.ProcessEnv): Promise<Watched> {
  const r = await watchCli(args, { env });
  if (r.code !== 0) throw new Error(`${args[0]} exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
  return r;
}

const SOCKETS = 100_000;

const BUSY_CAPTURES = [
  { label: 'netstat -anp', os: 'linux', generate: generateLinuxNetstat },
  { label: 'netstat -anob', os: 'windows', generate: generateWindowsNetstat },
] as const;

/** import → analyze → report → bundle of a busy server's socket listing, stage by stage. */
async function benchBusyServer(out: string, capture: (typeof BUSY_CAPTURES)[number], env: NodeJS.ProcessEnv): Promise<BenchRow[]> {
  const file = join(out, `${capture.os}.txt`);
  writeFileSync(file, capture.generate(SOCKETS));
  const mb = (b: number) => Math.round(b / MB);
  const imported = await cli(['import', file, '--command', capture.label, '--os', capture.os, '--out', out, '--case', `BUSY-${capture.os}`, '--examiner', 'Bench', '--json', '--quiet'], env);
  const dir = (JSON.parse(imported.stdout) as { evidenceDir: string }).evidenceDir;
  const rows: BenchRow[] = [];
  for (const stage of ['analyze', 'report', 'bundle'] as const) {
    const r = await cli([stage, dir, '--quiet'], env);
    rows.push({ area: 'run', metric: `${SOCKETS.toLocaleString('en')}-socket ${capture.label} (${(statSync(file).size / MB).toFixed(1)} MB): ${stage}, peak memory of the process tree (PSS)`, value: Math.round(r.wallS * 10) / 10, unit: `s, ${mb(r.treePeak)} MB` });
  }
  return rows;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

/** What `collect` costs the examined host: peak RSS, processes started, bytes written. */
async function benchCollect(out: string, env: NodeJS.ProcessEnv): Promise<BenchRow[]> {
  const r = await watchCli(['collect', '--out', out, '--case', 'FOOT', '--examiner', 'Bench', '--json', '--quiet'], { everyMs: 5, env });
  if (r.code !== 0) throw new Error(`collect exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
  const dir = (JSON.parse(r.stdout) as { evidenceDir: string }).evidenceDir;
  const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as { commands: unknown[]; captureWindow: { durationMs: number } };
  return [
    { area: 'collect', metric: 'collect on this host: wall time', value: Math.round(r.wallS * 100) / 100, unit: 's' },
    { area: 'collect', metric: '  peak RSS of the collector (VmHWM)', value: Math.round(r.nodeHwm / MB), unit: 'MB' },
    { area: 'collect', metric: `  processes started (the ${acq.commands.length} recorded commands; ${r.descendantsSeen} seen while sampling every 5 ms)`, value: acq.commands.length + 1, unit: 'incl. node' },
    { area: 'collect', metric: '  bytes written (the whole evidence folder)', value: Math.round(folderBytes(dir) / 1024), unit: 'KiB' },
    { area: 'collect', metric: '  capture window', value: Math.round(acq.captureWindow.durationMs * 10) / 10, unit: 'ms' },
  ];
}

/**
 * CPU seconds (user + sys) of the children this process has waited for (/proc/self/stat cutime +
 * cstime): the CLI's Node process and whatever it reaped (Chromium's main process and its helpers).
 * On a loaded machine wall time follows the load; CPU time is the fairer comparison.
 */
function reapedCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export interface TimedRun {
  total: number;
  /** CPU seconds of run and of verify (reapedCpuS), null where /proc is not there. */
  runCpu: number | null;
  verifyCpu: number | null;
  run: number;
  verify: number;
  launchToCapture: number;
  captureMs: number;
  stages: Record<string, number>;
  connections: number;
  /** The signed report's pages, and the findings of every severity. */
  pages: number;
  findings: number;
}

/**
 * One `run` then `verify` of its bundle, unsampled (sampling /proc costs CPU the run would miss);
 * with `netns`, `run` starts inside that network namespace (`ip netns exec`, counted in the figure).
 */
export async function timedRun(out: string, env: NodeJS.ProcessEnv, netns?: string): Promise<TimedRun> {
  const hasProc = existsSync('/proc/self/stat');
  const cpu0 = hasProc ? reapedCpuS() : 0;
  const launchedAt = Date.now();
  const args = ['run', '--out', out, '--case', 'BENCH', '--examiner', 'Bench', '--json', '--quiet'];
  const watch = { env, sampleChildren: false, everyMs: 1000 };
  const r = await (netns ? watchCli(['netns', 'exec', netns, process.execPath, CLI, ...args], { ...watch, command: 'ip' }) : watchCli(args, watch));
  if (r.code !== 0) throw new Error(`run exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
  const result = JSON.parse(r.stdout) as { evidenceDir: string; bundle: string; report: string; counts: { connections: number }; durations: Record<string, number>; findings: Record<string, number> };
  const cpu1 = hasProc ? reapedCpuS() : 0;
  const verified = await watchCli(['verify', result.bundle, '--quiet'], { env, sampleChildren: false, everyMs: 1000 });
  const cpu2 = hasProc ? reapedCpuS() : 0;
  if (verified.code !== 0) throw new Error(`verify exited ${verified.code}: ${verified.stdout.trim().split('\n').pop()}`);
  const total = (Date.now() - launchedAt) / 1000;
  const acq = JSON.parse(readFileSync(join(result.evidenceDir, 'acquisition.json'), 'utf8')) as { captureWindow: { start: string; durationMs: number } };
  return { total, runCpu: hasProc ? cpu1 - cpu0 : null, verifyCpu: hasProc ? cpu2 - cpu1 : null, run: r.wallS, verify: verified.wallS, launchToCapture: Date.parse(acq.captureWindow.start) - launchedAt, captureMs: acq.captureWindow.durationMs, stages: result.durations, connections: result.counts.connections,
    pages: countPages(readFileSync(result.report)), findings: Object.values(result.findings).reduce((n, k) => n + k, 0),
  };
}

const s2 = (x: number) => Math.round(x * 100) / 100;

/** The whole `netcustody run` on this host: start to verified bundle (median of 3), its parts, peak memory. */
export async function benchRun(): Promise<BenchRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'nc-bench-run-'));
  const env = { ...process.env, NETCUSTODY_HOME: join(out, 'home') };
  try {
    // The examiner's key is made on first use: a first run outside the figures.
    await cli(['run', '--out', join(out, 'warm'), '--case', 'WARM', '--examiner', 'Bench', '--json', '--quiet'], env);
    const runs: TimedRun[] = [];
    for (let i = 0; i < 3; i++) runs.push(await timedRun(join(out, `t${i}`), env));
    const m = [...runs].sort((a, b) => a.total - b.total)[1];
    const st = m.stages;
    const staged = ['collect', 'analyze', 'report', 'bundle'].reduce((n, k) => n + (st[k] ?? 0), 0);
    // Peak memory in a run of its own, sampled every 25 ms.
    const sampled = await cli(['run', '--out', join(out, 'mem'), '--case', 'MEM', '--examiner', 'Bench', '--json', '--quiet'], env);
    return [
      { area: 'run', metric: `netcustody run on this host (${m.connections} connections) + verify of its bundle, median of 3 (${runs.map((r) => r.total.toFixed(2)).join(', ')} s)`, value: s2(m.total), unit: 's wall', target: '≤ 3 s', ok: m.total <= 3 },
      { area: 'run', metric: '  of which run (process start to exit)', value: s2(m.run), unit: 's' },
      ...(m.runCpu !== null ? [{ area: 'run', metric: '    CPU time of run (user + sys: Node and the Chromium processes it reaped)', value: s2(m.runCpu), unit: 's' }] : []),
      { area: 'run', metric: '    Node start-up → first capture command started', value: m.launchToCapture, unit: 'ms' },
      { area: 'run', metric: '    capture window (first command started → last finished)', value: Math.round(m.captureMs * 10) / 10, unit: 'ms' },
      { area: 'run', metric: '    collect stage (host facts, capture, custody)', value: s2(st.collect ?? 0), unit: 's' },
      { area: 'run', metric: '    analyze stage (the print browser starts meanwhile)', value: s2(st.analyze ?? 0), unit: 's' },
      { area: 'run', metric: '    report stage (HTML, waiting for the browser, print, sign)', value: s2(st.report ?? 0), unit: 's' },
      { area: 'run', metric: '    bundle stage (the browser closes meanwhile)', value: s2(st.bundle ?? 0), unit: 's' },
      { area: 'run', metric: '    outside the stages (Node start-up, module loading, exit)', value: s2(m.run - staged), unit: 's' },
      { area: 'run', metric: '  of which verify (a process of its own)', value: s2(m.verify), unit: 's' },
      ...(m.verifyCpu !== null ? [{ area: 'run', metric: '    CPU time of verify (user + sys)', value: s2(m.verifyCpu), unit: 's' }] : []),
      { area: 'run', metric: '  peak memory of the process tree (Node + Chromium, PSS)', value: Math.round(sampled.treePeak / MB), unit: 'MB' },
      ...(await benchCollect(join(out, 'collect'), env)),
      ...(await benchBusyServer(out, BUSY_CAPTURES[0], env)),
      ...(await benchBusyServer(out, BUSY_CAPTURES[1], env)),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
