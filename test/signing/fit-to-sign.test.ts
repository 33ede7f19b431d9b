// Signing refuses certificates that verify and `openssl cms -verify` would reject: expired, not yet
// valid, keyEncipherment-only, issued by an end-entity certificate. PKCS#12 files are made by the real
// openssl from THROWAWAY test certificates (openssl-ca.ts).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdentity } from '../../src/signing/index.js';
import { openTestCa, type TestCa } from './openssl-ca.js';

let ca: TestCa;
const ENV = 'NC_TEST_FIT_PASS';

function p12(name: string, chain: string[]): string {
  const certfile = chain.length ? ['-certfile', `${name}.chain.pem`] : [];
  ca.openssl('pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, ...certfile, '-out', `${name}.p12`, '-passout', 'pass:throwaway');
  return ca.path(`${name}.p12`);
}

beforeAll(() => {
  ca = openTestCa('nc-fit-');
  process.env[ENV] = 'throwaway';
  ca.cert('root', { issuer: null, profile: 'root' });
  ca.cert('good', { issuer: 'root', profile: 'signer' });
  ca.cert('expired', { issuer: 'root', profile: 'signer', start: '20200101000000Z', end: '20210101000000Z' });
  ca.cert('notyet', { issuer: 'root', profile: 'signer', start: '20990101000000Z', end: '20991231000000Z' });
  ca.cert('kexonly', { issuer: 'root', profile: 'keyencipherment_only' });
  ca.cert('ee', { issuer: 'root', profile: 'signer' });
  ca.cert('under-ee', { issuer: 'ee', profile: 'signer' });
});
afterAll(() => {
  delete process.env[ENV];
  ca?.cleanup();
});

function chainFile(name: string, chain: string[]): void {
  writeFileSync(ca.path(`${name}.chain.pem`), chain.map((c) => ca.text(`${c}.pem`)).join(''));
}

async function load(name: string, chain: string[] = ['root'], allowExpiredCert = false) {
  chainFile(name, chain);
  return loadIdentity({ p12: p12(name, chain), passphraseEnv: ENV, examiner: 'x', allowExpiredCert });
}

async function refusal(name: string, chain: string[] = ['root']): Promise<Error & { hint?: string }> {
  return (await load(name, chain).then(
    () => new Error('accepted'),
    (e: Error) => e,
  )) as Error & { hint?: string };
}

describe('loadIdentity refuses certificates unfit to sign', () => {
  it('accepts a valid signing certificate issued by a CA', async () => {
    const id = await load('good');
    expect(id.expiredAllowed).toBeUndefined();
  });

  it('refuses an expired certificate with a clear message naming the file; --allow-expired-cert lets it sign, marked', async () => {
    const err = await refusal('expired');
    expect(err.message).toMatch(/expired\.p12: cannot sign with this certificate: the signer certificate \(CN=expired .*\) had expired at the signing time .* \(valid until 2021-01-01T00:00:00Z\)/);
    expect(err.hint).toContain('--allow-expired-cert');
    const id = await load('expired', ['root'], true);
    expect(id.expiredAllowed).toMatch(/^signed with an expired certificate \(--allow-expired-cert\): .*had expired/);
  });

  it('refuses a not-yet-valid certificate, also with --allow-expired-cert', async () => {
    expect((await refusal('notyet')).message).toMatch(/was not yet valid at the signing time .* \(valid from 2099-01-01T00:00:00Z\)/);
    await expect(load('notyet', ['root'], true)).rejects.toThrow(/not yet valid/);
  });

  it('refuses a keyEncipherment-only certificate', async () => {
    expect((await refusal('kexonly')).message).toMatch(/key usage of CN=kexonly .* does not allow signatures \(digitalSignature or nonRepudiation needed; it has keyEncipherment\)/);
  });

  it('refuses a certificate issued by an end-entity certificate', async () => {
    expect((await refusal('under-ee', ['ee', 'root'])).message).toMatch(/CN=ee .* issued CN=under-ee .* but is not a CA/);
  });
});
