// Reading and checking an RFC 3161 time-stamp token (a CMS SignedData over a TSTInfo): the one check
// used when a token arrives from a TSA and when `verify` meets one. The TSA's signature goes through
// the one CMS verifier (bundle/cms-verify.ts); here: the TSTInfo (imprint, nonce, genTime, policy),
// the ESS signing-certificate binding and trust in the TSA's chain.
import { createHash } from 'node:crypto';
import { verifyDetachedCms, type CertSummary } from '../bundle/cms-verify.js';
import { bytesOf, childrenOf, contentOf, expect, oidOf, readTlv, type Tlv } from '../bundle/der-read.js';
import { colonFingerprint } from '../signing/cert-check.js';
import { evaluateTrust, type TrustAnchor } from '../signing/trust-store.js';
import { stripZeros } from './request.js';

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const STATUS = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

export interface TstInfo {
  policy: string;
  hashAlgorithm: string;
  imprint: Buffer;
  /** Serial number, hex. */
  serial: string;
  genTime: string;
  /** "±1 s" style, or null when the TSA states none. */
  accuracy: string | null;
  nonce: Buffer | null;
}

export interface TimestampCheck {
  ok: boolean;
  /** Every reason the token is not accepted (empty when ok). */
  problems: string[];
  /** The TSA's time (ISO-8601), null when the token cannot be read. */
  genTime: string | null;
  accuracy: string | null;
  policy: string | null;
  serial: string | null;
  /** The TSA's certificate (subject, fingerprint) and its chain as found. */
  tsa: CertSummary | null;
  chain: CertSummary[];
  imprintMatches: boolean;
  signatureValid: boolean;
  trusted: boolean;
  /** "trusted (issued by …, pinned)", "NOT TRUSTED: …". */
  how: string;
}

export interface TokenExpectations {
  /** The bytes the token must cover (its imprint is their hash). */
  data: Buffer;
  /** The nonce sent, when the token is a fresh answer. */
  nonce?: Buffer;
  /** Trusted certificates: --tsa-ca and the trust store. */
  anchors: TrustAnchor[];
  label?: string;
}

/** PKIStatusInfo and the token of a TimeStampResp; throws with a readable reason. */
export function parseResponse(resp: Buffer): { status: number; statusText: string; token: Buffer | null } {
  const top = expect(readTlv(resp, 0), 0x30, 'TimeStampResp');
  if (top.end !== resp.length) throw new Error('trailing bytes after the TimeStampResp');
  const [statusInfo, token] = childrenOf(resp, top);
  const info = childrenOf(resp, expect(statusInfo, 0x30, 'PKIStatusInfo'));
  const status = integerValue(resp, info[0]);
  const texts = info[1]?.tag === 0x30 ? childrenOf(resp, info[1]).map((t) => contentOf(resp, t).toString('utf8')) : [];
  const statusText = `${STATUS[status] ?? `status ${status}`}${texts.length ? `: ${texts.join('; ').slice(0, 300)}` : ''}`;
  return { status, statusText, token: token ? Buffer.from(bytesOf(resp, token)) : null };
}

function integerValue(buf: Buffer, node: Tlv): number {
  const bytes = contentOf(buf, expect(node, 0x02, 'INTEGER'));
  if (bytes.length > 4) throw new Error('INTEGER too large');
  return bytes.reduce((v, b) => v * 256 + b, 0);
}

/**
 * The token of a .tsr file (manifest.tsr): a whole TimeStampResp as the TSA sent it, which
 * `openssl ts -verify -in` reads; its status must be granted.
 */
export function tokenOfTsr(tsr: Buffer): Buffer {
  const r = parseResponse(tsr);
  if (r.status > 1) throw new Error(`the response's status is ${r.statusText}`);
  if (!r.token) throw new Error('the response holds no token');
  return r.token;
}

export function parseTstInfo(buf: Buffer): TstInfo {
  const top = expect(readTlv(buf, 0), 0x30, 'TSTInfo');
  if (top.end !== buf.length) throw new Error('trailing bytes after the TSTInfo');
  const f = childrenOf(buf, top);
  if (integerValue(buf, f[0]) !== 1) throw new Error('TSTInfo version is not 1');
  const policy = oidOf(buf, f[1]);
  const [alg, hashed] = childrenOf(buf, expect(f[2], 0x30, 'MessageImprint'));
  const hashOid = oidOf(buf, childrenOf(buf, expect(alg, 0x30, 'hashAlgorithm'))[0]);
  const hashAlgorithm = HASHES[hashOid];
  if (!hashAlgorithm) throw new Error(`unknown imprint hash algorithm ${hashOid}`);
  const serial = contentOf(buf, expect(f[3], 0x02, 'serialNumber')).toString('hex');
  const genTime = generalizedTime(contentOf(buf, expect(f[4], 0x18, 'genTime')).toString('latin1'));
  let accuracy: string | null = null;
  let nonce: Buffer | null = null;
  for (const n of f.slice(5)) {
    if (n.tag === 0x30) accuracy = readAccuracy(buf, n);
    if (n.tag === 0x02) nonce = stripZeros(contentOf(buf, n));
  }
  return { policy, hashAlgorithm, imprint: contentOf(buf, expect(hashed, 0x04, 'hashedMessage')), serial, genTime, accuracy, nonce };
}

/** GeneralizedTime "YYYYMMDDhhmmss[.fff]Z" (RFC 3161 §2.4.2) as ISO-8601 with milliseconds. */
function generalizedTime(text: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/.exec(text);
  if (!m) throw new Error(`genTime ${JSON.stringify(text.slice(0, 40))} is not a UTC GeneralizedTime`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s) + Math.floor(ms));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) throw new Error(`genTime ${text} is not a real date`);
  return date.toISOString();
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL }. */
function readAccuracy(buf: Buffer, node: Tlv): string {
  let seconds = 0;
  for (const part of childrenOf(buf, node)) {
    const v = contentOf(buf, part).reduce((a, b) => a * 256 + b, 0);
    if (part.tag === 0x02) seconds += v;
    else if (part.tag === 0x80) seconds += v / 1000;
    else if (part.tag === 0x81) seconds += v / 1_000_000;
  }
  return `±${seconds} s`;
}

/** The first certificate hash of an ESS signingCertificate(V2) attribute must be the TSA certificate's. */
function essProblems(signedAttrs: Buffer | null, certDer: Buffer | null): string[] {
  if (!signedAttrs || !certDer) return [];
  for (const attr of childrenOf(signedAttrs, readTlv(signedAttrs, 0))) {
    const [typeNode, values] = childrenOf(signedAttrs, attr);
    const type = oidOf(signedAttrs, typeNode);
    if (type !== SIGNING_CERTIFICATE && type !== SIGNING_CERTIFICATE_V2) continue;
    const certs = childrenOf(signedAttrs, childrenOf(signedAttrs, childrenOf(signedAttrs, values)[0])[0]);
    const id = childrenOf(signedAttrs, expect(certs[0], 0x30, 'ESSCertID'));
    let alg = type === SIGNING_CERTIFICATE ? 'sha1' : 'sha256';
    let hashNode = id[0];
    if (type === SIGNING_CERTIFICATE_V2 && id[0].tag === 0x30) {
      alg = HASHES[oidOf(signedAttrs, childrenOf(signedAttrs, id[0])[0])] ?? '';
      hashNode = id[1];
    }
    if (!alg) return ['the ESS signing-certificate attribute names an unknown hash algorithm'];
    const hash = contentOf(signedAttrs, expect(hashNode, 0x04, 'certHash'));
    return hash.equals(createHash(alg).update(certDer).digest()) ? [] : ['the ESS signing-certificate attribute names another certificate than the one that signed the token'];
  }
  return ['the token has no ESS signing-certificate attribute binding the TSA certificate (RFC 3161 §2.4.2)'];
}

/** Never throws: every defect is a problem in the result. */
export function checkToken(token: Buffer, expected: TokenExpectations): TimestampCheck {
  const label = expected.label ?? 'the time-stamp token';
  const out: TimestampCheck = { ok: false, problems: [], genTime: null, accuracy: null, policy: null, serial: null, tsa: null, chain: [], imprintMatches: false, signatureValid: false, trusted: false, how: 'NOT TRUSTED: no verifiable TSA' };
  try {
    // The TSTInfo first: the TSA's certificate is checked at the time the TSA states.
    const first = verifyDetachedCms({ signature: token, timeStampToken: true, label });
    if (!first.eContent) {
      out.problems.push(...first.problems);
      return out;
    }
    const info = parseTstInfo(first.eContent);
    Object.assign(out, { genTime: info.genTime, accuracy: info.accuracy, policy: info.policy, serial: info.serial });
    const cms = verifyDetachedCms({ signature: token, timeStampToken: true, label, timeIfUnsigned: { time: new Date(info.genTime), source: 'the TSA time' } });
    out.signatureValid = cms.signatureValid && cms.digestMatches;
    out.tsa = cms.signer;
    out.chain = cms.chain;
    out.problems.push(...cms.problems, ...essProblems(cms.signedAttrs, cms.signerDer));
    out.imprintMatches = info.imprint.equals(createHash(info.hashAlgorithm).update(expected.data).digest());
    if (!out.imprintMatches) out.problems.push(`${label} covers other data: its ${info.hashAlgorithm} imprint is not the hash of what it should time-stamp`);
    if (info.hashAlgorithm === 'sha1') out.problems.push(`${label} uses SHA-1 for its imprint`);
    if (expected.nonce && !(info.nonce && info.nonce.equals(expected.nonce))) out.problems.push(`${label} answers another request: its nonce ${info.nonce?.toString('hex') ?? '(none)'} is not the nonce sent (${expected.nonce.toString('hex')})`);
    const verdict = evaluateTrust(cms.chain, expected.anchors);
    out.trusted = verdict.trusted && cms.chain.length > 0;
    out.how = verdict.how;
    if (!out.trusted) out.problems.push(`the TSA ${out.tsa?.subject ?? '(unknown)'} is not trusted: ${verdict.how} (pin the TSA's CA with netcustody trust add, or pass --tsa-ca)`);
  } catch (err) {
    out.problems.push(`cannot read ${label}: ${(err as Error).message}`);
  }
  out.ok = out.problems.length === 0;
  return out;
}

/** One line for people: "2026-12-04T06:40:01.000Z (±1 s) by CN=…, SHA-256 AB:…, policy 1.2.3; trusted (…)". */
export function describeTimestamp(c: TimestampCheck): string {
  if (!c.genTime) return 'unreadable token';
  const acc = c.accuracy ? ` (${c.accuracy})` : '';
  const who = c.tsa ? `${c.tsa.subject}, SHA-256 ${colonFingerprint(c.tsa.fingerprint)}` : 'an unknown TSA';
  return `${c.genTime}${acc} by ${who}, policy ${c.policy}, serial ${c.serial}; ${c.how}`;
}
