// The independent CMS check against signatures OpenSSL made: RSA and ECDSA, with and without signed
// attributes, issuer+serial and subjectKeyIdentifier signer ids, a CA-issued examiner certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDetachedCms } from '../../src/bundle/cms-verify.js';
import { anchorsFromFile, evaluateTrust } from '../../src/signing/trust-store.js';

let work: string;
const file = (name: string): string => join(work, name);
const read = (name: string): Buffer => readFileSync(file(name));
const text = (name: string): string => readFileSync(file(name), 'utf8');
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });

function sign(out: string, cert: string, key: string, ...extra: string[]): Buffer {
  openssl('cms', '-sign', '-binary', '-in', 'SUMS', '-signer', cert, '-inkey', key, '-outform', 'DER', '-out', out, '-md', 'sha256', ...extra);
  return read(out);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-cms-'));
  writeFileSync(file('SUMS'), `${'a'.repeat(64)}  raw/01-netstat.stdout\n`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.pem', '-subj', '/CN=RSA Examiner', '-days', '30');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.pem', '-subj', '/CN=EC Examiner', '-days', '30');
  // A lab CA and an examiner certificate it issued.
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Lab CA', '-days', '30');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=Issued Examiner');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('verifyDetachedCms on OpenSSL signatures', () => {
  it('accepts RSA with signed attributes and reads signer and signing time', () => {
    const r = verifyDetachedCms({ signature: sign('rsa.sig', 'rsa.pem', 'rsa.key'), content: read('SUMS'), extraCertsPem: text('rsa.pem') });
    expect(r).toMatchObject({ ok: true, problems: [], signer: { subject: 'CN=RSA Examiner', selfSigned: true } });
    expect(r.signingTime).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('accepts ECDSA, no signed attributes, and a subjectKeyIdentifier signer id', () => {
    expect(verifyDetachedCms({ signature: sign('ec.sig', 'ec.pem', 'ec.key'), content: read('SUMS'), extraCertsPem: text('ec.pem') }).ok).toBe(true);
    expect(verifyDetachedCms({ signature: sign('noattr.sig', 'rsa.pem', 'rsa.key', '-noattr'), content: read('SUMS'), extraCertsPem: text('rsa.pem') }).ok).toBe(true);
    expect(verifyDetachedCms({ signature: sign('keyid.sig', 'rsa.pem', 'rsa.key', '-keyid'), content: read('SUMS'), extraCertsPem: text('rsa.pem') }).ok).toBe(true);
  });

  it('rejects changed content, with and without signed attributes', () => {
    const changed = Buffer.from(text('SUMS').replace('a', 'b'));
    expect(verifyDetachedCms({ signature: read('rsa.sig'), content: changed, extraCertsPem: text('rsa.pem') }).problems).toEqual([
      'messageDigest does not match the signed content (it was changed after signing)',
    ]);
    expect(verifyDetachedCms({ signature: read('noattr.sig'), content: changed, extraCertsPem: text('rsa.pem') }).ok).toBe(false);
  });

  it('rejects a signature that embeds its content, a different bundle certificate, and garbage', () => {
    openssl('cms', '-sign', '-binary', '-nodetach', '-in', 'SUMS', '-signer', 'rsa.pem', '-inkey', 'rsa.key', '-outform', 'DER', '-out', 'attached.sig');
    expect(verifyDetachedCms({ signature: read('attached.sig'), content: read('SUMS'), extraCertsPem: text('rsa.pem') }).problems[0]).toMatch(/embeds its content/);
    // A different examiner-cert.pem is the signer check's business (check-signer.ts): here the embedded certificate verifies.
    expect(verifyDetachedCms({ signature: read('rsa.sig'), content: read('SUMS'), extraCertsPem: text('ec.pem') }).signer?.subject).toBe('CN=RSA Examiner');
    expect(verifyDetachedCms({ signature: sign('nocerts.sig', 'rsa.pem', 'rsa.key', '-nocerts'), content: read('SUMS'), extraCertsPem: text('ec.pem') }).problems[0]).toMatch(/no certificate in .* matches the signer/);
    expect(verifyDetachedCms({ signature: Buffer.from('0\x82\xff\xff'), content: read('SUMS'), extraCertsPem: text('rsa.pem') }).problems[0]).toMatch(/not a DER CMS SignedData/);
    expect(verifyDetachedCms({ signature: read('nocerts.sig'), content: read('SUMS'), extraCertsPem: 'no certificate here' }).ok).toBe(false);
  });

  it('a CA-issued examiner certificate chains to the CA as anchor, not to an unrelated one', () => {
    const sig = sign('leaf.sig', 'leaf.pem', 'leaf.key', '-certfile', 'ca.pem');
    const r = verifyDetachedCms({ signature: sig, content: read('SUMS'), extraCertsPem: text('leaf.pem') + text('ca.pem') });
    expect(r).toMatchObject({ ok: true, signer: { subject: 'CN=Issued Examiner', selfSigned: false }, chainComplete: true });
    expect(evaluateTrust(r.chain, anchorsFromFile(text('ca.pem'), 'ca.pem'))).toEqual({ trusted: true, how: 'trusted (issued by CN=Lab CA, --trust ca.pem)' });
    expect(evaluateTrust(r.chain, anchorsFromFile(text('leaf.pem'), 'leaf.pem')).trusted).toBe(true);
    const wrong = evaluateTrust(r.chain, anchorsFromFile(text('rsa.pem'), 'rsa.pem'));
    expect(wrong.trusted).toBe(false);
    expect(wrong.how).toMatch(/^NOT TRUSTED: issued by CN=Lab CA/);
  });
});
