// Asking time-stamping authorities for a token over some bytes: RFC 3161 over HTTP (POST,
// application/timestamp-query), each URL in the order given until one answers with a token that
// passes every check. A TSA that is down, slow or wrong is a failure to report, never an exception:
// the caller keeps its evidence and says the token is missing.
import { EvidenceError } from '../evidence/folder.js';
import type { TrustAnchor } from '../signing/trust-store.js';
import { buildRequest } from './request.js';
import { checkToken, parseResponse, type TimestampCheck } from './token.js';

export const DEFAULT_TSA_TIMEOUT_S = 20;
const MAX_RESPONSE_BYTES = 1 << 20;

export interface TsaSettings {
  /** TSA URLs (http or https), tried in order. */
  urls: string[];
  /** --tsa-ca certificates and the trust store: the TSA must chain to one. */
  anchors: TrustAnchor[];
  /** Per request; default $NETCUSTODY_TSA_TIMEOUT seconds or 20 s. */
  timeoutMs?: number;
}

export interface TsaAttempt {
  url: string;
  error: string | null;
}

export type StampOutcome =
  | { ok: true; token: Buffer; response: Buffer; url: string; check: TimestampCheck; attempts: TsaAttempt[] }
  | { ok: false; attempts: TsaAttempt[]; reason: string };

/** A usage error (exit 2) for a URL that is not http(s). */
export function checkTsaUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EvidenceError(`--tsa ${url}: not a URL`, 'give the TSA as http://… or https://…', 2);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new EvidenceError(`--tsa ${url}: only http and https TSAs are supported`, undefined, 2);
  return parsed.toString();
}

export function tsaTimeoutMs(): number {
  const env = Number(process.env.NETCUSTODY_TSA_TIMEOUT);
  return (Number.isFinite(env) && env > 0 ? env : DEFAULT_TSA_TIMEOUT_S) * 1000;
}

/** A token over `data` from the first TSA that gives a good one; every failure is kept. */
export async function requestTimestamp(data: Buffer, settings: TsaSettings): Promise<StampOutcome> {
  const attempts: TsaAttempt[] = [];
  for (const url of settings.urls) {
    try {
      const { token, response, check } = await askOne(url, data, settings);
      attempts.push({ url, error: null });
      return { ok: true, token, response, url, check, attempts };
    } catch (err) {
      attempts.push({ url, error: (err as Error).message });
    }
  }
  const reason = attempts.length === 0 ? 'no TSA given' : attempts.map((a) => `${a.url}: ${a.error}`).join('; ');
  return { ok: false, attempts, reason };
}

async function askOne(url: string, data: Buffer, settings: TsaSettings): Promise<{ token: Buffer; response: Buffer; check: TimestampCheck }> {
  const req = buildRequest(data);
  const timeoutMs = settings.timeoutMs ?? tsaTimeoutMs();
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
      body: req.der,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs / 1000} s`);
    throw new Error(`cannot reach the TSA (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  const body = await readLimited(res, timeoutMs);
  const parsed = (() => {
    try {
      return parseResponse(body);
    } catch (err) {
      throw new Error(`the answer is not an RFC 3161 TimeStampResp (${(err as Error).message})`);
    }
  })();
  if (parsed.status > 1) throw new Error(`the TSA refused: ${parsed.statusText}`);
  if (!parsed.token) throw new Error(`the TSA granted but sent no token (${parsed.statusText})`);
  const check = checkToken(parsed.token, { data, nonce: req.nonce, anchors: settings.anchors, label: 'the token' });
  if (!check.ok) throw new Error(`token refused: ${check.problems.join('; ')}`);
  return { token: parsed.token, response: body, check };
}

async function readLimited(res: Response, timeoutMs: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) throw new Error(`answer of ${declared} bytes is larger than ${MAX_RESPONSE_BYTES}`);
  const timer = setTimeout(() => void res.body?.cancel(), timeoutMs);
  try {
    const buf = Buffer.from(await res.arrayBuffer());
    if (buf.length > MAX_RESPONSE_BYTES) throw new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    return buf;
  } finally {
    clearTimeout(timer);
  }
}
