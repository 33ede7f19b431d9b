// A bundle extracted safely into a fresh private temporary folder, for stages that read an earlier
// capture (baseline comparison) and for verification. The caller must call cleanup(). Ctrl-C or
// SIGTERM while the folder exists removes it and exits 130: no half-extracted copy stays behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceError } from '../evidence/folder.js';
import type { ZipLimits } from './types.js';
import { DEFAULT_ZIP_LIMITS, extractZipSafely, type ZipReadResult } from './zip-read.js';

export interface ExtractedBundle {
  dir: string;
  read: ZipReadResult;
  cleanup(): void;
}

const EXIT_INTERRUPTED = 130;

/** Extract without judging: the result lists every structural failure (nothing extracted then). */
export async function extractToTemp(zipPath: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ExtractedBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'netcustody-zip-'));
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`netcustody: interrupted by ${signal}; removed the temporary copy ${dir}\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const cleanup = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return { dir, read: await extractZipSafely(zipPath, dir, limits), cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Extract a bundle zip or throw an EvidenceError naming the first unsafe or damaged member. */
export async function extractBundle(zipPath: string): Promise<{ dir: string; cleanup(): void }> {
  const extracted = await extractToTemp(zipPath);
  const { failures, unlisted } = extracted.read;
  const first = failures[0] ?? (unlisted.length > 0 ? { member: unlisted[0], reason: 'not listed in SHA256SUMS' } : undefined);
  if (first) {
    extracted.cleanup();
    const where = first.member ? `${JSON.stringify(first.member)}: ` : '';
    throw new EvidenceError(`${zipPath}: unsafe or damaged zip: ${where}${first.reason}`, `run \`netcustody verify ${zipPath}\` for details`);
  }
  return { dir: extracted.dir, cleanup: extracted.cleanup };
}
