// `npm run bench` rows of the bundle stage: bundle + verify of a demo-sized evidence folder (target
// < 2 s), and peak memory while bundling and verifying a folder with a 1 GiB member (target: flat,
// i.e. about the same as for the demo folder: members are streamed, never held in memory).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, closeSync, writeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBundle, verifyEvidence } from '../bundle/index.js';
import { appendCustody } from '../evidence/custody.js';
import { sha256File } from '../evidence/files.js';
import { PATHS, readAcquisition, writeAcquisition } from '../evidence/folder.js';
import { buildReport } from '../report/index.js';
import { writeEvidenceFolder } from '../report/synthetic-evidence.js';
import { windowsSeedHost } from '../report/synthetic-hosts.js';
import type { BenchRow } from './types.js';

const CHILD = fileURLToPath(new URL('./bundle-child.js', import.meta.url));
const MiB = 1024 * 1024;
const LARGE_BYTES = 1024 * MiB;
/** "Flat": the 1 GiB case may use at most this much more memory than the demo case. */
const FLAT_MARGIN = 64 * MiB;

interface ChildResult {
  ms: number;
  ok: boolean;
  zipPath: string | null;
  baseline: number;
  peakSampled: number;
  hwm: number;
}

export async function benchBundle(): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'nc-bench-bundle-'));
  const savedHome = process.env.NETCUSTODY_HOME;
  process.env.NETCUSTODY_HOME = join(root, 'home');
  try {
    const demo = await demoFolder(root);
    const rows = await demoRows(root, demo);
    rows.push(...(await largeRows(root, demo)));
    return rows;
  } finally {
    if (savedHome === undefined) delete process.env.NETCUSTODY_HOME;
    else process.env.NETCUSTODY_HOME = savedHome;
    rmSync(root, { recursive: true, force: true });
  }
}

/** The shipped Windows seed scenario, reported and signed (untimed: that is the report's figure). */
async function demoFolder(root: string): Promise<string> {
  const dir = writeEvidenceFolder(join(root, 'seed', 'case'), windowsSeedHost());
  await buildReport(dir, { rawAppendixLimitBytes: 256 * 1024 });
  return dir;
}

async function demoRows(root: string, demo: string): Promise<BenchRow[]> {
  const bundleMs: number[] = [];
  const verifyMs: number[] = [];
  let zip = '';
  for (let i = 0; i < 3; i++) {
    const copy = join(root, `demo-${i}`, 'case', 'evidence');
    cpSync(demo, copy, { recursive: true });
    let t = performance.now();
    zip = (await createBundle(copy, {})).zipPath;
    bundleMs.push(performance.now() - t);
    t = performance.now();
    const report = await verifyEvidence(zip);
    verifyMs.push(performance.now() - t);
    if (!report.ok) throw new Error(`the demo bundle does not verify: ${report.checks.filter((c) => !c.ok).map((c) => c.id).join(', ')}`);
  }
  const b = median(bundleMs);
  const v = median(verifyMs);
  const folderKiB = Math.round(folderBytes(demo) / 1024);
  const pdfKiB = Math.round(statSync(join(demo, PATHS.reportPdf)).size / 1024);
  return [
    { area: 'bundle', metric: `bundle, demo folder (${folderKiB} KiB, PDF ${pdfKiB} KiB), median of 3`, value: b, unit: 'ms' },
    { area: 'bundle', metric: 'verify the demo zip (every check + zip structure)', value: v, unit: 'ms' },
    { area: 'bundle', metric: 'bundle + verify, demo folder', value: b + v, unit: 'ms', target: '< 2000 ms', ok: b + v < 2000 },
    { area: 'bundle', metric: 'demo zip size', value: Math.round(statSync(zip).size / 1024), unit: 'KiB' },
  ];
}

async function largeRows(root: string, demo: string): Promise<BenchRow[]> {
  // Memory of the same operations on the demo folder, in fresh processes, is the reference.
  const small = join(root, 'small', 'case', 'evidence');
  cpSync(demo, small, { recursive: true });
  const smallBundle = child('bundle', small, join(root, 'small'));
  const smallVerify = child('verify', smallBundle.zipPath!);

  const large = join(root, 'large', 'case', 'evidence');
  cpSync(demo, large, { recursive: true });
  // The large member is a preserved executable (--max-binary-size 2G): evidence only counts when
  // acquisition.json records it and custody logs its hash; the report is made again to list it.
  const member = 'raw/binaries/4242-large.bin';
  mkdirSync(join(large, 'raw', 'binaries'), { recursive: true });
  writeLargeFile(join(large, member), LARGE_BYTES);
  const sha256 = await sha256File(join(large, member));
  const acquisition = readAcquisition(large);
  const last = acquisition.commands[acquisition.commands.length - 1];
  last.binaries = { policy: 'all', maxBytes: 2 * LARGE_BYTES, preserved: [{ path: member, bytes: LARGE_BYTES, sha256, pid: 4242, exe: '/opt/large', reasons: ['--preserve-binaries all'] }], skipped: [] };
  writeAcquisition(large, acquisition);
  appendCustody(large, { actor: 'bench', action: 'executable preserved', object: member, sha256, details: { bytes: LARGE_BYTES, pid: 4242, note: 'benchmark member' } });
  appendCustody(large, { actor: 'bench', action: 'acquisition completed', object: PATHS.acquisition, sha256: await sha256File(join(large, PATHS.acquisition)) });
  await buildReport(large, { rawAppendixLimitBytes: 256 * 1024 });
  const largeBundle = child('bundle', large, join(root, 'large'));
  const zipBytes = statSync(largeBundle.zipPath!).size;
  const largeVerify = child('verify', largeBundle.zipPath!);
  if (!largeVerify.ok) throw new Error('the 1 GiB bundle does not verify');

  const mb = (n: number): number => Math.round(n / MiB);
  const flat = (big: ChildResult, ref: ChildResult): boolean => big.hwm <= ref.hwm + FLAT_MARGIN;
  return [
    { area: 'bundle', metric: 'bundle, folder with a 1 GiB member', value: largeBundle.ms / 1000, unit: 's' },
    { area: 'bundle', metric: 'bundle throughput (hash + deflate + hash)', value: LARGE_BYTES / MiB / (largeBundle.ms / 1000), unit: 'MiB/s' },
    { area: 'bundle', metric: `verify, 1 GiB member (zip ${mb(zipBytes)} MiB)`, value: largeVerify.ms / 1000, unit: 's' },
    { area: 'bundle', metric: 'peak RSS, bundle demo folder', value: mb(smallBundle.hwm), unit: 'MiB' },
    { area: 'bundle', metric: 'peak RSS, bundle with 1 GiB member', value: mb(largeBundle.hwm), unit: 'MiB', target: `flat (≤ demo + ${mb(FLAT_MARGIN)} MiB)`, ok: flat(largeBundle, smallBundle) },
    { area: 'bundle', metric: 'peak RSS, verify demo zip', value: mb(smallVerify.hwm), unit: 'MiB' },
    { area: 'bundle', metric: 'peak RSS, verify with 1 GiB member', value: mb(largeVerify.hwm), unit: 'MiB', target: `flat (≤ demo + ${mb(FLAT_MARGIN)} MiB)`, ok: flat(largeVerify, smallVerify) },
  ];
}

function child(mode: 'bundle' | 'verify', target: string, outDir = ''): ChildResult {
  const out = execFileSync(process.execPath, [CHILD, mode, target, outDir], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  return JSON.parse(out) as ChildResult;
}

/** Text like a huge netstat capture: a 4 MiB block of varied lines, written again and again. */
function writeLargeFile(path: string, bytes: number): void {
  let seed = 12345;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const lines: string[] = [];
  let size = 0;
  while (size < 4 * MiB) {
    const line = `tcp        0      0 10.${next(256)}.${next(256)}.${next(256)}:${next(65536)}     203.0.113.${next(256)}:${next(65536)}     ESTABLISHED ${next(99999)}/proc-${next(5000)}\n`;
    lines.push(line);
    size += line.length;
  }
  const block = Buffer.from(lines.join(''));
  const fd = openSync(path, 'wx', 0o600);
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(block.length, bytes - written);
      writeSync(fd, block, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
