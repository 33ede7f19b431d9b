// Figures for copies of executables over SSH (issue 18 on the issue-13 transport): one namespace
// host behind real sshd (test/lab/sshd.mjs) runs a listener from a copy of perl (a few MiB) that is
// deleted once it listens; `collect --ssh` copies it back. Reported: the copy's own session time
// (acquisition.json records it per copy), and the process-facts step with and without the copy.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Acquisition } from '../model.js';
import type { BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const LAB = fileURLToPath(new URL('../../test/lab/sshd.mjs', import.meta.url));
const PROGRAMS = fileURLToPath(new URL('../../test/lab/programs.mjs', import.meta.url));
const RUNS = 5;

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export async function benchSshBinaries(): Promise<BenchRow[]> {
  if (!existsSync(LAB) || !existsSync(PROGRAMS)) return [{ area: 'ssh-binaries', metric: 'skipped: test/lab is not in this checkout', value: NaN, unit: '' }];
  const { createSshLab, sshdAvailable } = await import(LAB);
  if (!sshdAvailable()) return [{ area: 'ssh-binaries', metric: 'skipped: needs root, network namespaces and openssh-server', value: NaN, unit: '' }];
  const { perlCopy, startListener } = await import(PROGRAMS);
  const lab = await createSshLab({ hosts: 1 });
  const work = mkdtempSync(join(tmpdir(), 'nc-bench-sshbin-'));
  chmodSync(work, 0o755);
  const out = mkdtempSync(join(tmpdir(), 'nc-bench-sshbin-out-'));
  try {
    // A plain copy (a few MiB) and one padded to 56 MiB more (under the default cap): the session's
    // fixed cost and the transfer rate.
    const small = join(work, 'updater');
    const big = join(work, 'bulk');
    perlCopy(small);
    perlCopy(big, Buffer.alloc(56 * 1048576, 0x5a));
    const pids = [(await startListener(lab.hosts[0].ns, small, '0.0.0.0', 4444)).pid, (await startListener(lab.hosts[0].ns, big, '0.0.0.0', 4445)).pid];
    unlinkSync(small);
    unlinkSync(big);
    const collect = (extra: string[]): Acquisition => {
      const json = execFileSync('ip', ['netns', 'exec', lab.ws, process.execPath, CLI, 'collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'BENCH-SSHBIN', '--examiner', 'Bench', '--json', ...extra], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const dir = JSON.parse(json).evidenceDir as string;
      const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as Acquisition;
      rmSync(dir, { recursive: true, force: true });
      return acq;
    };
    const copyMs: number[][] = [[], []];
    const bytes = [0, 0];
    const stepWith: number[] = [];
    const stepWithout: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const withCopy = collect([]).commands.find((c) => c.kind === 'procfacts')!;
      pids.forEach((pid, i) => {
        const copy = withCopy.binaries?.preserved.find((b) => b.pid === pid);
        if (!copy?.remote || copy.incomplete) throw new Error(`no complete copy came back for PID ${pid}: ${copy?.incomplete ?? 'none'}`);
        copyMs[i].push(copy.remote.durationMs);
        bytes[i] = copy.bytes;
      });
      stepWith.push(withCopy.durationMs);
      stepWithout.push(collect(['--preserve-binaries', 'none']).commands.find((c) => c.kind === 'procfacts')!.durationMs);
    }
    const row = (i: number) => {
      const ms = median(copyMs[i]);
      return { area: 'ssh-binaries', metric: `one deleted executable of ${(bytes[i] / 1048576).toFixed(1)} MiB copied over SSH: its session (cat /proc/PID/exe under the wrapper)`, value: Math.round(ms), unit: `ms (${(bytes[i] / 1e6 / (ms / 1000)).toFixed(0)} MB/s)` };
    };
    return [
      { area: 'ssh-binaries', metric: `conditions: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; target sshd on the same cores, veth between namespaces; median of ${RUNS}`, value: NaN, unit: '' },
      row(0),
      row(1),
      { area: 'ssh-binaries', metric: 'process-facts step over SSH (reader + both copies) / with --preserve-binaries none (reader only)', value: Math.round(median(stepWith)), unit: `ms / ${Math.round(median(stepWithout))} ms` },
    ];
  } finally {
    lab.cleanup();
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
