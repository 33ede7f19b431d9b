// Each SOURCE of `netcustody case`: a bundle zip is verified first (a failing one is refused, naming
// the check) and read from its strict extraction; a folder is checked (the full verification when it
// was sealed, else its custody chain and raw hashes). Parsed data comes through the report's loader.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvidenceError, PATHS, readAcquisition } from '../evidence/folder.js';
import { parseCustodyEvents, verifyCustodyFile } from '../evidence/custody.js';
import { readFileNoFollow, sha256File, sha256Hex } from '../evidence/files.js';
import { recordedArtifacts } from '../evidence/recorded.js';
import { extractBundle } from '../bundle/extract.js';
import { verifyEvidence } from '../bundle/verify.js';
import type { VerifyReport } from '../bundle/types.js';
import { listTrusted } from '../signing/trust-store.js';
import { loadReportInput } from '../report/input.js';
import type { CaseHostInput } from './types.js';

const EXIT_VERIFY_FAILED = 3;

export interface OpenedSources {
  hosts: CaseHostInput[];
  cleanup(): void;
}

export async function openSources(sources: string[], log: (line: string) => void): Promise<OpenedSources> {
  const cleanups: (() => void)[] = [];
  const cleanup = (): void => {
    for (const c of cleanups.splice(0)) c();
  };
  const hosts: CaseHostInput[] = [];
  try {
    for (const [i, source] of sources.entries()) {
      const path = resolve(source);
      if (!existsSync(path)) throw new EvidenceError(`${source}: no such file or folder`, undefined, 2);
      const key = `H${i + 1}`;
      if (statSync(path).isDirectory()) hosts.push(await openFolder(key, source, path, log));
      else hosts.push(await openBundle(key, source, path, log, cleanups));
    }
    return { hosts, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

function failedChecks(report: VerifyReport): string {
  return report.checks
    .filter((c) => !c.ok)
    .map((c) => {
      const f = c.failures[0];
      const what = f ? `${f.member ? `${f.member}${f.line ? `:${f.line}` : ''}: ` : ''}${f.reason}` : c.detail;
      return `${c.id} (${what})`;
    })
    .join('; ');
}

async function openBundle(key: string, source: string, zip: string, log: (line: string) => void, cleanups: (() => void)[]): Promise<CaseHostInput> {
  log(`verifying ${source}`);
  const report = await verifyEvidence(zip, { anchors: listTrusted() });
  if (!report.ok) {
    throw new EvidenceError(`${source}: refused: the bundle fails verification: ${failedChecks(report)}`, `run \`netcustody verify ${source}\` for details`, EXIT_VERIFY_FAILED);
  }
  const { dir, cleanup } = await extractBundle(zip);
  cleanups.push(cleanup);
  const sha = await sha256File(zip);
  return load(key, source, 'bundle', dir, zip, sha, `verified: ${report.checks.length} checks passed (netcustody verify)`);
}

async function openFolder(key: string, source: string, dir: string, log: (line: string) => void): Promise<CaseHostInput> {
  if (!existsSync(join(dir, PATHS.acquisition))) throw new EvidenceError(`${source}: not an evidence folder (acquisition.json is missing)`, undefined, 2);
  log(`checking ${source}`);
  if (existsSync(join(dir, PATHS.sums))) {
    // A sealed folder: every check verify runs, including the zip its custody log records.
    const report = await verifyEvidence(dir, { anchors: listTrusted() });
    if (!report.ok) throw new EvidenceError(`${source}: refused: the folder fails verification: ${failedChecks(report)}`, `run \`netcustody verify ${source}\` for details`, EXIT_VERIFY_FAILED);
    const zip = recordedBundle(dir);
    return load(key, source, 'folder', dir, zip?.path ?? null, zip?.sha256 ?? null, `verified: ${report.checks.length} checks passed (netcustody verify, folder)`);
  }
  // Not sealed yet: what can be checked without a seal is the custody chain and the raw hashes.
  const chain = verifyCustodyFile(dir);
  if (!chain.ok) throw new EvidenceError(`${source}: refused: custody-chain (${PATHS.custody}:${chain.firstBrokenLine ?? '?'}: ${chain.reason})`, undefined, EXIT_VERIFY_FAILED);
  const acquisition = readAcquisition(dir);
  for (const a of recordedArtifacts(acquisition)) {
    const full = join(dir, a.path);
    const actual = existsSync(full) ? await sha256File(full) : 'missing';
    if (actual !== a.sha256) throw new EvidenceError(`${source}: refused: artifact-hashes (${a.path}: ${actual === 'missing' ? 'missing' : `SHA-256 ${actual}`}, acquisition.json records ${a.sha256})`, undefined, EXIT_VERIFY_FAILED);
  }
  return load(key, source, 'folder', dir, null, null, `not sealed: custody chain (${chain.events} events) and ${recordedArtifacts(acquisition).length} raw artifact hashes checked`);
}

/** The last zip the folder's custody log records, when it is still where it was written with its hash. */
function recordedBundle(dir: string): { path: string; sha256: string } | null {
  const events = parseCustodyEvents(readFileNoFollow(join(dir, PATHS.custody)));
  const last = [...events].reverse().find((e) => e?.action === 'bundle created');
  const rel = (last?.details as { zipRelative?: unknown } | undefined)?.zipRelative;
  if (!last || typeof rel !== 'string' || typeof last.sha256 !== 'string') return null;
  const path = resolve(dir, rel);
  return existsSync(path) ? { path, sha256: last.sha256 } : null;
}

function load(key: string, source: string, sourceKind: 'folder' | 'bundle', dir: string, bundlePath: string | null, bundleSha256: string | null, checked: string): CaseHostInput {
  if (!existsSync(join(dir, PATHS.connections))) throw new EvidenceError(`${source}: not analysed (${PATHS.connections} is missing)`, `run \`netcustody analyze ${source}\` first`, 2);
  const input = loadReportInput(dir);
  const primaries = input.connections.filter((c) => c.primary === true);
  return {
    key,
    source,
    sourceKind,
    dir,
    bundlePath,
    bundleSha256,
    acquisition: input.acquisition,
    acquisitionSha256: sha256Hex(readFileNoFollow(join(dir, PATHS.acquisition))),
    custodySha256: sha256Hex(readFileNoFollow(join(dir, PATHS.custody))),
    connections: primaries.length > 0 ? primaries : input.connections,
    processes: input.processes,
    routes: input.routes,
    leads: input.leads,
    checked,
  };
}
