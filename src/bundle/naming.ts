// The fixed time every byte of a bundle is stamped with, and the bundle's file name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, CustodyEvent } from '../model.js';
import { EvidenceError, compactUtc, safeName } from '../evidence/folder.js';

/**
 * The acquisition time: start of the capture window, else the first command or import, else the
 * first custody event. Never the wall clock, so that bundling is deterministic.
 */
export function acquisitionTime(acquisition: Acquisition, custody: CustodyEvent[]): Date {
  const candidates = [
    acquisition.captureWindow?.start,
    acquisition.commands?.[0]?.start,
    acquisition.imports?.[0]?.intakeTime,
    custody[0]?.time,
  ];
  for (const text of candidates) {
    const date = text ? new Date(text) : null;
    if (date && !Number.isNaN(date.getTime())) return date;
  }
  throw new EvidenceError('cannot tell when the evidence was acquired (no capture window, command, import or custody event time)');
}

/** The host the evidence is about: collected on, or stated by the examiner for imports. */
export function hostOf(acquisition: Acquisition): string | null {
  const stated = (acquisition as Acquisition & { statedHost?: string | null }).statedHost;
  const fromId = acquisition.evidenceId?.replace(/_\d{8}T\d{6}Z(-\d+)?$/, '');
  return acquisition.host?.hostname || stated || fromId || null;
}

/** `<case>_<host>_<yyyymmddThhmmssZ>` (no suffix, no extension). */
function bundleBase(acquisition: Acquisition, when: Date): string {
  return `${safeName(acquisition.caseId ?? '', 'case')}_${safeName(hostOf(acquisition) ?? 'host', 'host')}_${compactUtc(when)}`;
}

/**
 * The file name the bundle of this evidence will have (unless a bundle of that name already exists,
 * then -2, -3 ... is added): lets the report print the verification commands before bundling.
 */
export function expectedBundleName(acquisition: Acquisition, custody: CustodyEvent[] = []): string {
  return `${bundleBase(acquisition, acquisitionTime(acquisition, custody))}.zip`;
}

/** `<case>_<host>_<yyyymmddThhmmssZ>.zip` in outDir; -2, -3 ... when that name (or its .sha256) exists. */
export function freeBundlePath(outDir: string, acquisition: Acquisition, when: Date): string {
  const base = bundleBase(acquisition, when);
  for (let n = 1; n < 10_000; n++) {
    const path = join(outDir, `${n === 1 ? base : `${base}-${n}`}.zip`);
    if (!existsSync(path) && !existsSync(`${path}.sha256`)) return path;
  }
  throw new EvidenceError(`no free bundle name for ${base} in ${outDir}`);
}
