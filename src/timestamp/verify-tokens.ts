// verify's check of every RFC 3161 token of the evidence: manifest.tsr over SHA256SUMS and the
// signature-time-stamp tokens in netcustody's PDF signature (over its signature value). Each is
// reported with the TSA's time, its identity and trust, and how far the claimed time is from it.
import type { EvidenceView } from '../bundle/view.js';
import type { CheckFailure } from '../bundle/types.js';
import { PATHS } from '../evidence/folder.js';
import type { PdfSignatureCheck } from '../report/pdf-verify.js';
import type { TrustAnchor } from '../signing/trust-store.js';
import { checkToken, describeTimestamp, tokenOfTsr, type TimestampCheck } from './token.js';

export interface TimestampReport {
  /** Where the token is: "manifest.tsr" or "report/report.pdf". */
  where: string;
  /** What it must cover. */
  covers: string;
  check: TimestampCheck;
  /** The time the evidence itself claims for what was stamped (signingTime, last sealed custody event). */
  claimed: { time: string; source: string } | null;
  /** TSA time minus claimed time, in seconds (positive: stamped after the claimed time). */
  differenceSeconds: number | null;
}

export interface TokensResult {
  reports: TimestampReport[];
  failures: CheckFailure[];
  detail: string;
}

function report(where: string, covers: string, check: TimestampCheck, claimed: TimestampReport['claimed']): TimestampReport {
  const diff = claimed && check.genTime ? (Date.parse(check.genTime) - Date.parse(claimed.time)) / 1000 : null;
  return { where, covers, check, claimed, differenceSeconds: diff !== null && Number.isFinite(diff) ? diff : null };
}

/** Time of the last custody event SHA256SUMS seals (when the seal was made, by the evidence's own clock). */
function sealClaim(view: EvidenceView): TimestampReport['claimed'] {
  try {
    const manifest = JSON.parse(view.read(PATHS.manifest).toString('utf8')) as { custody?: { events?: number } };
    const n = manifest.custody?.events;
    if (typeof n !== 'number' || n < 1) return null;
    const line = view.read(PATHS.custody).toString('utf8').split('\n')[n - 1];
    const time = (JSON.parse(line) as { time?: string }).time;
    return typeof time === 'string' ? { time, source: `last sealed custody event #${n}` } : null;
  } catch {
    return null;
  }
}

export function checkTimestamps(view: EvidenceView, pdf: PdfSignatureCheck | null, anchors: TrustAnchor[]): TokensResult {
  const reports: TimestampReport[] = [];
  if (view.has(PATHS.manifestTsr)) {
    const data = view.has(PATHS.sums) ? view.read(PATHS.sums) : Buffer.alloc(0);
    let check: TimestampCheck;
    try {
      check = checkToken(tokenOfTsr(view.read(PATHS.manifestTsr)), { data, anchors, label: PATHS.manifestTsr });
    } catch (err) {
      check = { ...checkToken(Buffer.alloc(0), { data, anchors }), problems: [`manifest.tsr is not a granted RFC 3161 TimeStampResp: ${(err as Error).message}`] };
    }
    reports.push(report(PATHS.manifestTsr, PATHS.sums, check, sealClaim(view)));
  }
  const own = pdf?.signatures?.[0];
  for (const token of own?.timeStampTokens ?? []) {
    const check = checkToken(token, { data: own?.signatureValue ?? Buffer.alloc(0), anchors, label: 'the PDF signature-time-stamp token' });
    const claimed = pdf?.signingTime ? { time: pdf.signingTime, source: 'the PDF signingTime' } : null;
    reports.push(report(PATHS.reportPdf, 'the signature value of netcustody\'s PDF signature', check, claimed));
  }
  const failures: CheckFailure[] = reports.flatMap((r) => r.check.problems.map((reason) => ({ member: r.where, reason })));
  if (reports.length === 0) return { reports, failures, detail: 'no trusted timestamp: neither manifest.tsr nor the PDF signature carries an RFC 3161 token (times come from the examiner\'s and the host\'s clocks only)' };
  const lines = reports.map((r) => {
    const diff = r.differenceSeconds === null ? '' : `; ${formatDiff(r.differenceSeconds)} ${r.claimed?.source ?? ''}`;
    return `${r.where}: ${describeTimestamp(r.check)}${diff}`;
  });
  return { reports, failures, detail: lines.join(' | ') };
}

export function formatDiff(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = abs < 120 ? `${abs.toFixed(1)} s` : abs < 7200 ? `${(abs / 60).toFixed(1)} min` : `${(abs / 3600).toFixed(1)} h`;
  return seconds >= 0 ? `${text} after` : `${text} BEFORE`;
}
