import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDetachedCms } from '../../src/bundle/cms-verify.js';
import { loadIdentity, signDetachedCms, type SigningIdentity } from '../../src/signing/index.js';
import { anchorsFromFile, evaluateTrust } from '../../src/signing/trust-store.js';

let work: string;
let identity: SigningIdentity;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-cms-'));
  identity = await loadIdentity({ examiner: 'Jane Doe', organisation: 'Forensic Lab', configDir: join(work, 'cfg') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function opensslVerify(sig: Buffer, content: Buffer, certPem: string, extra: string[] = []): { status: number | null; stderr: string } {
  writeFileSync(join(work, 'sig.der'), sig);
  writeFileSync(join(work, 'content.bin'), content);
  writeFileSync(join(work, 'trust.pem'), certPem);
  const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(work, 'sig.der'), '-content', join(work, 'content.bin'), '-CAfile', join(work, 'trust.pem'), '-out', '/dev/null', ...extra], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('signDetachedCms', () => {
  it('makes a signature that openssl cms -verify accepts with the self-signed certificate as CAfile', () => {
    const content = Buffer.from('manifest {"a":1}\n');
    const sig = signDetachedCms(content, identity);
    const plain = opensslVerify(sig, content, identity.certPem);
    expect(plain.stderr).toContain('Verification successful');
    expect(plain.status).toBe(0);
    const anyPurpose = opensslVerify(sig, content, identity.certPem, ['-purpose', 'any']);
    expect(anyPurpose.status).toBe(0);
  });

  it('is rejected by openssl when one byte of the content changes', () => {
    const content = Buffer.from('evidence bytes\n');
    const sig = signDetachedCms(content, identity);
    const tampered = Buffer.from('evidence bytez\n');
    const r = opensslVerify(sig, tampered, identity.certPem);
    expect(r.status).not.toBe(0);
    expect(verifyDetachedCms({ signature: sig, content: tampered }).digestMatches).toBe(false);
  });

  it('accepts a precomputed digest and gives the same verifiable result', () => {
    const content = Buffer.alloc(100_000, 7);
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: content });
    const when = new Date(Math.floor(Date.now() / 1000) * 1000);
    const sig = signDetachedCms({ sha256: digest }, identity, { signingTime: when });
    expect(opensslVerify(sig, content, identity.certPem).status).toBe(0);
    const check = verifyDetachedCms({ signature: sig, content });
    expect(check).toMatchObject({ ok: true, signatureValid: true, digestMatches: true, signingTime: when.toISOString() });
    expect(evaluateTrust(check.chain, anchorsFromFile(identity.certPem, 'x')).trusted).toBe(true);
    expect(check.signer?.subject).toContain('CN=Jane Doe');
  });

  it('shows signed attributes in openssl cms -cmsout -print', () => {
    const sig = signDetachedCms(Buffer.from('x'), identity);
    writeFileSync(join(work, 'p.der'), sig);
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(work, 'p.der')], { encoding: 'utf8' });
    for (const attr of ['contentType', 'signingTime', 'messageDigest', 'id-smime-aa-signingCertificateV2', 'sha256']) expect(printed).toContain(attr);
    expect(printed).toMatch(/eContent: <ABSENT>/);
  });

  it('reports malformed signatures without throwing', () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('30820000', 'hex'), Buffer.from('not der at all'), signDetachedCms(Buffer.from('a'), identity).subarray(0, 200)]) {
      const check = verifyDetachedCms({ signature: junk, content: Buffer.from('a') });
      expect(check.signatureValid).toBe(false);
      expect(check.problems.length).toBeGreaterThan(0);
    }
  });

  it('detects a signature made by another key when a trust certificate is given', async () => {
    const other = await loadIdentity({ examiner: 'Mallory', configDir: join(work, 'cfg') });
    const sig = signDetachedCms(Buffer.from('a'), other);
    const check = verifyDetachedCms({ signature: sig, content: Buffer.from('a') });
    expect(check.signatureValid).toBe(true);
    expect(evaluateTrust(check.chain, anchorsFromFile(identity.certPem, 'x')).trusted).toBe(false);
    expect(opensslVerify(sig, Buffer.from('a'), identity.certPem).status).not.toBe(0);
  });
});

describe('self-signed identity', () => {
  it('stores the key 0600 in a 0700 folder and reuses it', async () => {
    const cfg = join(work, 'cfg');
    const again = await loadIdentity({ examiner: 'Jane Doe', configDir: cfg });
    expect(again.certPem).toBe(identity.certPem);
    expect(identity.selfSigned).toBe(true);
    expect(identity.certPath).toBeDefined();
    const keyPath = identity.certPath!.replace(/\.cert\.pem$/, '.key.pem');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(cfg).mode & 0o777).toBe(0o700);
    expect(readFileSync(identity.certPath!, 'utf8')).toBe(identity.certPem);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', identity.certPath!], { encoding: 'utf8' });
    expect(text).toContain('Public-Key: (3072 bit)');
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('E-mail Protection');
    expect(text).toContain('CA:FALSE');
  });
});
