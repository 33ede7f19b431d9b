// Figures for issue 18 (run by hand as root: node test/lab/bench-binaries.mjs): the time the
// executables read adds to `collect` on a host with 50 socket owners, and the bytes preserved.
// 50 perl listeners, each its own file (a salted copy, so 50 different hashes), in a namespace.
// Modes: nothing read (--max-binary-size 0: every executable over the cap), hash only (ordinary
// folder, nothing to preserve), hash + copy of every owner (--preserve-binaries all).
// OWNERS=N, RUNS=N, SHARED=1 (all owners run one file) change the setup.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { createLab } from './netns.mjs';
import { perlCopy, startListener } from './programs.mjs';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
const OWNERS = Number(process.env.OWNERS ?? 50);
const RUNS = Number(process.env.RUNS ?? 5);
const lab = createLab();
const bins = mkdtempSync('/var/lib/ncbench-');
chmodSync(bins, 0o755);
const out = mkdtempSync(join(tmpdir(), 'ncbench-out-'));
try {
  // SHARED=1: every owner runs one file (workers of one daemon): it is read once.
  const shared = process.env.SHARED === '1';
  if (shared) perlCopy(join(bins, 'svc'));
  for (let i = 0; i < OWNERS; i++) {
    const bin = join(bins, shared ? 'svc' : `svc${i}`);
    if (!shared) perlCopy(bin, `build ${i}`);
    await startListener(lab.victim, bin, '127.0.0.1', 20000 + i);
  }
  const modes = {
    'nothing read (--max-binary-size 0)': ['--preserve-binaries', 'none', '--max-binary-size', '0'],
    'hash every owner (auto, nothing suspicious)': [],
    'hash + copy every owner (--preserve-binaries all)': ['--preserve-binaries', 'all'],
  };
  const rows = [];
  for (const [name, extra] of Object.entries(modes)) {
    const steps = [];
    const windows = [];
    let copied = 0;
    for (let r = 0; r < RUNS; r++) {
      const json = execFileSync('ip', ['netns', 'exec', lab.victim, process.execPath, CLI, 'collect', '--out', out, '--case', 'BENCH', '--examiner', 'bench', '--json', ...extra], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const dir = JSON.parse(json).evidenceDir;
      const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      const step = acq.commands.find((c) => c.kind === 'procfacts');
      steps.push(step.durationMs);
      windows.push(acq.captureWindow.durationMs);
      copied = (step.binaries?.preserved ?? []).reduce((n, b) => n + (b.sharedWith === undefined ? b.bytes : 0), 0);
      rmSync(dir, { recursive: true, force: true });
    }
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    rows.push({ mode: name, processFactsStepMs: Math.round(median(steps)), captureWindowMs: Math.round(median(windows)), bytesPreserved: copied });
  }
  const perl = readFileSync(execFileSync('sh', ['-c', 'command -v perl']).toString().trim()).length;
  console.log(JSON.stringify({ owners: OWNERS, sharedFile: shared, executableBytes: perl, runs: RUNS, cores: (await import('node:os')).cpus().length, rows }, null, 1));
} finally {
  lab.cleanup();
  rmSync(bins, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
