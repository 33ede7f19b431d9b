// Human-readable verification report: one PASS/FAIL line per check, the failing members under it.
// Member names come from an untrusted zip: control and bidi characters are shown as \u{..}.
import { colonFingerprint } from '../signing/cert-check.js';
import type { CheckFailure, VerifyReport } from './types.js';
import { describeTimestamp } from '../timestamp/token.js';
import { formatDiff } from '../timestamp/verify-tokens.js';

const MAX_FAILURES_SHOWN = 20;

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [`netcustody verify: ${printable(r.target)} (${r.kind})`];
  const width = Math.max(...r.checks.map((c) => c.id.length));
  for (const c of r.checks) {
    lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.id.padEnd(width)}  ${c.name}: ${printable(c.detail)}`);
    for (const f of c.failures.slice(0, MAX_FAILURES_SHOWN)) lines.push(`        ${describeFailure(f)}`);
    if (c.failures.length > MAX_FAILURES_SHOWN) lines.push(`        ... and ${c.failures.length - MAX_FAILURES_SHOWN} more`);
  }
  if (r.signer) {
    lines.push(`SIGNER  ${printable(r.signer.subject)}`);
    lines.push(`        SHA-256 ${colonFingerprint(r.signer.fingerprint)}`);
    lines.push(`        ${printable(r.signer.how)}`);
  } else lines.push('SIGNER  none could be verified');
  // Trusted time: what a TSA says, independent of the examiner's and the host's clocks.
  if (r.timestamps.length === 0) lines.push('TIME    no trusted timestamp (no RFC 3161 token; every time comes from the examiner\'s or the host\'s clock)');
  for (const t of r.timestamps) {
    lines.push(`TIME    ${t.where} (over ${t.covers}): ${t.check.ok ? 'valid' : 'NOT VALID'}`);
    lines.push(`        TSA time ${printable(describeTimestamp(t.check))}`);
    if (t.differenceSeconds !== null && t.claimed) lines.push(`        ${formatDiff(t.differenceSeconds)} ${printable(t.claimed.source)} (${t.claimed.time})`);
  }
  const failed = r.checks.filter((c) => !c.ok);
  lines.push(failed.length === 0 ? 'RESULT: PASS (all checks passed)' : `RESULT: FAIL (${failed.map((c) => c.id).join(', ')})`);
  return `${lines.join('\n')}\n`;
}

function describeFailure(f: CheckFailure): string {
  const where = f.member ? `${printable(f.member)}${f.line !== undefined ? `:${f.line}` : ''}: ` : f.line !== undefined ? `line ${f.line}: ` : '';
  return where + printable(f.reason);
}

/** Escape what a terminal would interpret or reorder: C0/C1 controls, bidi overrides and isolates. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}
