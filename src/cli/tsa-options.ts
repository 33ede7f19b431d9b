// --tsa URL (repeatable, tried in order; default $NETCUSTODY_TSA) and --tsa-ca FILE: the options of
// every command that asks a time-stamping authority (report, bundle, run, timestamp).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import type { TrustAnchor } from '../signing/trust-store.js';
import type { TsaSettings } from '../timestamp/client.js';
import { EXIT } from './common.js';

export function tsaOptions(cmd: Command): Command {
  return cmd
    .option('--tsa <url>', 'RFC 3161 time-stamping authority (repeat for fallbacks, tried in order; default: $NETCUSTODY_TSA, space-separated)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--tsa-ca <file>', "the TSA's CA certificate (PEM) to trust besides those pinned with netcustody trust add");
}

/**
 * null when no TSA is given (nothing is asked); usage errors (exit 2) for a bad URL or CA file.
 * The certificate and CMS code loads only when a TSA is given: collect and --help stay light.
 */
export async function tsaSettings(opts: { tsa?: string[]; tsaCa?: string }): Promise<TsaSettings | null> {
  const urls = opts.tsa ?? (process.env.NETCUSTODY_TSA ?? '').split(/\s+/).filter(Boolean);
  if (urls.length === 0) {
    if (opts.tsaCa) throw new EvidenceError('--tsa-ca needs --tsa URL (or $NETCUSTODY_TSA)', undefined, EXIT.usage);
    return null;
  }
  const { checkTsaUrl } = await import('../timestamp/client.js');
  const { listTrusted } = await import('../signing/trust-store.js');
  return { urls: urls.map(checkTsaUrl), anchors: [...(await tsaCaAnchors(opts.tsaCa)), ...listTrusted()] };
}

export async function tsaCaAnchors(file: string | undefined): Promise<TrustAnchor[]> {
  if (!file) return [];
  const { anchorsFromFile } = await import('../signing/trust-store.js');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EvidenceError(`--tsa-ca ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, undefined, EXIT.usage);
  }
  try {
    return anchorsFromFile(text, file).map((a) => ({ ...a, source: `--tsa-ca ${file}` }));
  } catch (err) {
    throw new EvidenceError((err as Error).message, undefined, EXIT.usage);
  }
}

/** One line for the terminal about a token (added, kept) or its failure. */
export function stampLine(what: string, t: { status: string; record: { genTime: string; tsa: string | null; tsaUrl: string | null } | null; reason: string | null }): string | null {
  if (t.status === 'none') return null;
  if (t.status === 'failed') return `warning: no trusted timestamp on ${what}: ${t.reason}`;
  return `timestamp: ${what} ${t.status === 'kept' ? 'keeps its' : 'has a'} token: TSA time ${t.record?.genTime} by ${t.record?.tsa ?? 'unknown'}${t.record?.tsaUrl ? ` (${t.record.tsaUrl})` : ''}`;
}
