import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDetachedCms } from '../../src/bundle/cms-verify.js';
import { loadIdentity, signDetachedCms } from '../../src/signing/index.js';
import { anchorsFromFile, evaluateTrust } from '../../src/signing/trust-store.js';

// Real PKCS#12 files made by OpenSSL 3 (AES-256-CBC + PBKDF2 + HMAC-SHA256 by default): a lab CA
// issuing an RSA examiner certificate, and an ECDSA P-256 one.
let work: string;
const ENV = 'NC_TEST_P12_PASS';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-p12-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Lab Root CA/O=Forensic Lab']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ex.key', '-out', 'ex.csr', '-subj', '/CN=Examiner Smith/O=Forensic Lab']);
  writeFileSync(join(work, 'ext.cnf'), 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=1.3.6.1.5.5.7.3.36\n');
  openssl(['x509', '-req', '-in', 'ex.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'ex.pem', '-days', '30', '-extfile', 'ext.cnf']);
  openssl(['pkcs12', '-export', '-inkey', 'ex.key', '-in', 'ex.pem', '-certfile', 'ca.pem', '-out', 'rsa.p12', '-passout', 'pass:s3cret pass']);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.pem', '-days', '30', '-subj', '/CN=EC Examiner']);
  openssl(['pkcs12', '-export', '-inkey', 'ec.key', '-in', 'ec.pem', '-out', 'ec.p12', '-passout', 'pass:ecpass']);
});
afterAll(() => {
  delete process.env[ENV];
  rmSync(work, { recursive: true, force: true });
});

function verifyWithOpenssl(sig: Buffer, content: Buffer, caFile: string, extra: string[] = []): number | null {
  writeFileSync(join(work, 's.der'), sig);
  writeFileSync(join(work, 'c.bin'), content);
  return spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 's.der', '-content', 'c.bin', '-CAfile', caFile, '-out', '/dev/null', ...extra], { cwd: work }).status;
}

describe('loadIdentity with --p12', () => {
  it('loads an RSA key, its certificate and the CA chain; openssl verifies against the CA with -purpose any', async () => {
    process.env[ENV] = 's3cret pass';
    const id = await loadIdentity({ p12: join(work, 'rsa.p12'), passphraseEnv: ENV, examiner: 'ignored' });
    expect(id.subject).toBe('CN=Examiner Smith, O=Forensic Lab');
    expect(id.selfSigned).toBe(false);
    expect(id.chainPem).toHaveLength(1);
    expect(id.source).toBe(`pkcs12:${join(work, 'rsa.p12')}`);
    const content = Buffer.from('manifest');
    const sig = signDetachedCms(content, id);
    // Without emailProtection in the certificate, OpenSSL's default S/MIME purpose refuses it ...
    expect(verifyWithOpenssl(sig, content, 'ca.pem')).not.toBe(0);
    // ... and `-purpose any` is the documented flag that accepts it.
    expect(verifyWithOpenssl(sig, content, 'ca.pem', ['-purpose', 'any'])).toBe(0);
    const check = verifyDetachedCms({ signature: sig, content });
    expect(check.problems).toEqual([]);
    expect(evaluateTrust(check.chain, anchorsFromFile(execFileSync('cat', [join(work, 'ca.pem')], { encoding: 'utf8' }), 'ca.pem')).trusted).toBe(true);
  });

  it('loads an ECDSA P-256 key that the PKCS#12 library cannot decode itself', async () => {
    process.env[ENV] = 'ecpass';
    const id = await loadIdentity({ p12: join(work, 'ec.p12'), passphraseEnv: ENV, examiner: 'x' });
    expect(id.selfSigned).toBe(true);
    const content = Buffer.from('ec content');
    const sig = signDetachedCms(content, id);
    expect(verifyWithOpenssl(sig, content, 'ec.pem', ['-purpose', 'any'])).toBe(0);
    expect(verifyDetachedCms({ signature: sig, content })).toMatchObject({ ok: true, signatureValid: true, digestMatches: true });
  });

  it('refuses a wrong passphrase without echoing it', async () => {
    process.env[ENV] = 'wrong-guess-123';
    const err = await loadIdentity({ p12: join(work, 'rsa.p12'), passphraseEnv: ENV, examiner: 'x' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('cannot open the PKCS#12 file');
    expect((err as Error).message).not.toContain('wrong-guess-123');
  });

  it('asks for the environment variable when there is no passphrase and no terminal', async () => {
    delete process.env[ENV];
    const err = (await loadIdentity({ p12: join(work, 'rsa.p12'), passphraseEnv: ENV, examiner: 'x' }).catch((e: Error) => e)) as Error & { hint?: string };
    expect(err.message).toContain(ENV);
    expect(err.hint).toContain(`export ${ENV}=`);
  });
});
