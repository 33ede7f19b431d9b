// Report figures for `npm run bench` (issue 16): `netcustody report DIR` as a whole process on a
// 10,000-connection host and on a 100,000-socket host — wall time start to exit (Chromium start,
// printing and signing included) and the peak PSS of Chromium's processes — and signing a 10 MB PDF.
// The report of a real analysed 100k Windows capture is timed too, both against the 100k targets: the
// realistic busy server, and the stress capture (6,281 leads from PIDs reused under random names),
// whose report prints the serious leads in full and the long tail compact by rule (view-compact.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf } from '../report/pdf-sign.js';
import { verifyPdfSignature } from '../report/pdf-verify.js';
import { writeEvidenceFolder } from '../report/synthetic-evidence.js';
import { largeHost } from '../report/synthetic-hosts.js';
import { syntheticPdf } from '../report/synthetic-pdf.js';
import { loadIdentity } from '../signing/index.js';
import { generateWindowsNetstat } from '../parse/windows-netstat-gen.js';
import { generateWindowsHostNetstat } from '../parse/windows-netstat-host.js';
import { median, watchCli } from './process.js';
import type { BenchRow } from './types.js';

const MB = 1e6;
const MiB = 1024 * 1024;

const SIZES = [
  { connections: 10_000, seconds: 4, chromiumMB: 800 },
  { connections: 100_000, seconds: 10, chromiumMB: 1500 },
];

/** Import and analyse a capture (not timed), then time `report` on it `timed` times and once sampled. */
async function windowsReport(work: string, env: NodeJS.ProcessEnv, name: 'realistic' | 'stress', text: string, timed: number): Promise<BenchRow[]> {
  const file = join(work, `windows-${name}.txt`);
  writeFileSync(file, text);
  const imp = await watchCli(['import', file, '--command', 'netstat -anob', '--os', 'windows', '--out', join(work, name), '--case', 'RW', '--examiner', 'Bench Examiner', '--json', '--quiet'], { env, sampleChildren: false });
  if (imp.code !== 0) throw new Error(`import failed: ${imp.stderr.trim().split('\n').pop()}`);
  const dir = (JSON.parse(imp.stdout) as { evidenceDir: string }).evidenceDir;
  const an = await watchCli(['analyze', dir, '--quiet', '--examiner', 'Bench Examiner'], { env, sampleChildren: false });
  if (an.code !== 0) throw new Error(`analyze failed: ${an.stderr.trim().split('\n').pop()}`);
  const args = ['report', dir, '--json', '--quiet'];
  const walls: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t = await watchCli(args, { env, sampleChildren: false, everyMs: 1000 });
    if (t.code !== 0) throw new Error(`report failed: ${t.stderr.trim().split('\n').pop()}`);
    walls.push(t.wallS);
  }
  const r = await watchCli(args, { everyMs: 50, env });
  if (r.code !== 0) throw new Error(`report failed: ${r.stderr.trim().split('\n').pop()}`);
  const pages = (JSON.parse(r.stdout) as { pages?: number }).pages;
  const wallS = walls.length ? median(walls) : r.wallS;
  const how = walls.length ? `median of ${walls.length} (${walls.map((w) => w.toFixed(2)).join(', ')} s)` : 'one run, sampled';
  const label = name === 'realistic' ? 'Windows 100k netstat -anob, realistic busy server' : 'Windows 100k netstat -anob, stress capture (PIDs reused under random names)';
  return [
    { area: 'report', metric: `${label}: netcustody report, whole process, ${how}`, value: wallS, unit: 's', target: '≤ 10 s', ok: wallS <= 10 },
    { area: 'report', metric: `  Chromium's peak memory (PSS, sampled every 50 ms)${pages ? `, ${pages} pages` : ''}`, value: Math.round(r.childrenPeak / MB), unit: 'MB', target: '≤ 1500 MB', ok: r.childrenPeak <= 1500 * MB },
  ];
}

export async function benchReport(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'netcustody-bench-report-'));
  try {
    const home = join(work, 'home');
    // The examiner's certificate exists after the first run; its one-off creation is not timed.
    const identity = await loadIdentity({ examiner: 'Bench Examiner', configDir: home });
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      const dir = writeEvidenceFolder(join(work, String(size.connections)), largeHost(size.connections), { examiner: 'Bench Examiner' });
      const env = { ...process.env, NETCUSTODY_HOME: home };
      const args = ['report', dir, '--json', '--quiet'];
      // Timed without sampling (reading Chromium's smaps every 50 ms takes CPU from it on two cores),
      // median of 3; the memory comes from one more run, sampled.
      const walls: number[] = [];
      let out: { pages?: number } = {};
      for (let i = 0; i < 3; i++) {
        const t = await watchCli(args, { env, sampleChildren: false, everyMs: 1000 });
        if (t.code !== 0) throw new Error(`report failed: ${t.stderr.trim().split('\n').pop()}`);
        walls.push(t.wallS);
        out = JSON.parse(t.stdout) as { pages?: number };
      }
      const wallS = median(walls);
      const r = await watchCli(args, { everyMs: 50, env });
      if (r.code !== 0) throw new Error(`report failed: ${r.stderr.trim().split('\n').pop()}`);
      const label = `${size.connections.toLocaleString('en')} connections`;
      rows.push({ area: 'report', metric: `${label}: netcustody report, whole process (HTML, Chromium, signature), median of 3 (${walls.map((w) => w.toFixed(2)).join(', ')} s)`, value: wallS, unit: 's', target: `≤ ${size.seconds} s`, ok: wallS <= size.seconds });
      rows.push({ area: 'report', metric: `  Chromium's peak memory (PSS of its processes, a 4th run sampled every 50 ms)${out.pages ? `, ${out.pages} pages` : ''}`, value: Math.round(r.childrenPeak / MB), unit: 'MB', target: `≤ ${size.chromiumMB} MB`, ok: r.childrenPeak <= size.chromiumMB * MB });
      rows.push({ area: 'report', metric: '  peak of the whole tree (Node + Chromium, PSS)', value: Math.round(r.treePeak / MB), unit: 'MB' });
    }
    const env = { ...process.env, NETCUSTODY_HOME: home };
    rows.push(...(await windowsReport(work, env, 'realistic', generateWindowsHostNetstat(100_000), 3)));
    rows.push(...(await windowsReport(work, env, 'stress', generateWindowsNetstat(100_000), 3)));
    const big = syntheticPdf(10 * MiB);
    const t1 = performance.now();
    const signed = signPdf(big, identity);
    const signMs = performance.now() - t1;
    const valid = verifyPdfSignature(signed.pdf).ok;
    rows.push({ area: 'report', metric: `sign a ${(big.length / MiB).toFixed(0)} MiB PDF (incremental update, node:crypto SHA-256)`, value: signMs, unit: 'ms', target: '< 1 s', ok: signMs < 1000 && valid });
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
