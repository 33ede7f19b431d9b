// The cover's facts about the examined host and its capture: kernel release, uptime, clock state,
// and for imported files what the examiner stated about their capture, marked "(as stated)".
import type { Acquisition, ImportRecord } from '../model.js';
import { utc } from './helpers.js';
import { visible, visibleHost } from './visible.js';

export interface CoverView {
  /** "Linux 6.18.44 (#1 SMP …), x64"; null for imports (not observed). */
  kernel: string | null;
  /** "2 d 3 h 4 min at the start of the capture (booted about …)". */
  uptime: string | null;
  clock: string;
  /** Imports: who captured the files, with what, when, as stated. */
  provenance: string[];
}

export function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d ? `${d} d` : '', h ? `${h} h` : '', `${m} min`].filter(Boolean).join(' ');
}

function osLabel(os: string): string {
  return { linux: 'Linux', windows: 'Windows', macos: 'macOS (Darwin)', freebsd: 'FreeBSD' }[os] ?? os;
}

/** One stated value for all imports, or each distinct one (several imports into one folder). */
function stated<T>(imports: ImportRecord[], pick: (i: ImportRecord) => T | null | undefined): T[] {
  return [...new Set(imports.map(pick).filter((v): v is T => v !== null && v !== undefined))];
}

/** The capture time of imported files as stated, e.g. "2026-11-28 10:15:00.000 UTC (as stated)". */
export function statedCaptureTime(a: Acquisition): string | null {
  const times = stated(a.imports, (i) => i.statedCapturedAt).sort();
  if (times.length === 0) return null;
  return `${times.length === 1 ? utc(times[0]) : `${utc(times[0])} – ${utc(times[times.length - 1])}`} (as stated)`;
}

export function coverView(a: Acquisition): CoverView {
  const h = a.host;
  const clockSync = a.clock.ntpSynchronized === null ? 'synchronisation not known' : a.clock.ntpSynchronized ? 'synchronised' : 'NOT synchronised';
  const offset = a.clock.offset ? `offset ${a.clock.offset} (${a.clock.offsetSource})` : 'offset not measured';
  const provenance: string[] = [];
  if (a.mode === 'import') {
    const by = stated(a.imports, (i) => i.statedCapturedBy);
    const cmds = stated(a.imports, (i) => i.statedCommand);
    const hashed = a.imports.filter((i) => i.statedSourceSha256).length;
    provenance.push(by.length ? `Captured by ${by.join(', ')} (as stated)` : 'Who captured the files: not stated');
    if (cmds.length) provenance.push(`Command(s): ${cmds.join('; ')} (as stated)`);
    provenance.push(hashed ? `${hashed} of ${a.imports.length} file(s) match the SHA-256 taken at the scene` : 'No SHA-256 from the scene was stated');
  }
  return {
    kernel: h ? visibleHost(`${osLabel(h.os)} ${h.release}${h.kernel ? ` (${h.kernel})` : ''}, ${h.arch}`) : null,
    uptime: h ? visible(`${duration(h.uptimeSeconds)} at the start of the capture (booted about ${utc(new Date(Date.parse(a.captureWindow?.start ?? a.clock.systemUtc) - h.uptimeSeconds * 1000).toISOString().replace(/\.\d+Z$/, '.000Z')).replace('.000 UTC', ' UTC')})`) : null,
    clock: visibleHost(a.mode === 'import' ? 'not observed (imported files)' : a.transport?.kind === 'kit' ? `recorded by the kit on the host's clock (${clockSync}; not compared with a reference)` : `${clockSync} (${a.clock.source}); ${offset}`),
    provenance: provenance.map((p) => visibleHost(p)),
  };
}
