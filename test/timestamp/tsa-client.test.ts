// The TSA client against a real `openssl ts -reply` on 127.0.0.1: a good token is kept and checked
// by `openssl ts -verify`; every misbehaving TSA is refused with its reason.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorsFromFile } from '../../src/signing/trust-store.js';
import { requestTimestamp } from '../../src/timestamp/client.js';
import { checkToken, tokenOfTsr } from '../../src/timestamp/token.js';
import { downTsaUrl, makeTestPki, startTestTsa, type TestPki, type TestTsa } from '../helpers/tsa-server.js';

let pki: TestPki;
let tsa: TestTsa;
const data = Buffer.from('0000000000000000000000000000000000000000000000000000000000000000  acquisition.json\n');

beforeAll(async () => {
  pki = makeTestPki();
  tsa = await startTestTsa('ok', pki);
}, 60_000);
afterAll(async () => tsa?.close());

const anchors = () => anchorsFromFile(pki.caPem, 'tsa-ca.pem');

describe('RFC 3161 client', () => {
  it('keeps a token the local TSA grants; openssl ts -verify accepts it over the same data', async () => {
    const r = await requestTimestamp(data, { urls: [tsa.url], anchors: anchors() });
    expect(r.ok, r.ok ? '' : r.reason).toBe(true);
    if (!r.ok) return;
    expect(r.check.trusted).toBe(true);
    expect(r.check.tsa?.subject).toContain('Test TSA (THROWAWAY)');
    expect(r.check.policy).toBe('1.3.6.1.4.1.99999.1.1');
    expect(Math.abs(Date.parse(r.check.genTime!) - Date.now())).toBeLessThan(5 * 60_000);
    // The token alone is a TimeStampToken; openssl ts -verify wants it as such (-token_in).
    writeFileSync(join(pki.dir, 'data'), data);
    writeFileSync(join(pki.dir, 'token.der'), r.token);
    const v = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', join(pki.dir, 'token.der'), '-data', join(pki.dir, 'data'), '-CAfile', pki.caFile], { encoding: 'utf8' });
    expect(v.stdout + v.stderr).toContain('Verification: OK');
    // The same token over other bytes: refused.
    const other = checkToken(r.token, { data: Buffer.from('other'), anchors: anchors() });
    expect(other.ok).toBe(false);
    expect(other.problems.join()).toMatch(/covers other data/);
  });

  it('tries the next URL when the first TSA is down, and names the failure', async () => {
    const down = await downTsaUrl();
    const r = await requestTimestamp(data, { urls: [down, tsa.url], anchors: anchors() });
    expect(r.ok).toBe(true);
    expect(r.attempts[0].error).toMatch(/cannot reach the TSA \(ECONNREFUSED\)/);
  });

  it('refuses a wrong nonce, a replayed answer, an error status, an HTTP error, a token over other data, a hang', async () => {
    const cases: [Parameters<typeof startTestTsa>[0], RegExp][] = [
      ['wrong-nonce', /nonce .* is not the nonce sent/],
      ['reject', /the TSA refused: rejection/],
      ['http-error', /HTTP 503/],
      ['other-data', /covers other data/],
      ['hang', /no answer within 1 s/],
    ];
    for (const [mode, reason] of cases) {
      const bad = await startTestTsa(mode, pki);
      try {
        const r = await requestTimestamp(data, { urls: [bad.url], anchors: anchors(), timeoutMs: 1000 });
        expect(r.ok, mode).toBe(false);
        if (!r.ok) expect(r.reason, mode).toMatch(reason);
      } finally {
        await bad.close();
      }
    }
    const replay = await startTestTsa('replay', pki);
    try {
      expect((await requestTimestamp(data, { urls: [replay.url], anchors: anchors() })).ok).toBe(true);
      const again = await requestTimestamp(data, { urls: [replay.url], anchors: anchors() });
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.reason).toMatch(/nonce .* is not the nonce sent/);
    } finally {
      await replay.close();
    }
  }, 60_000);

  it('refuses a TSA whose certificate lacks the timeStamping EKU, or has it non-critical, and an untrusted TSA', async () => {
    for (const [eku, reason] of [
      ['critical,emailProtection', /not for time-stamping/],
      ['timeStamping', /not marked critical/],
    ] as const) {
      const otherPki = makeTestPki({ eku });
      const bad = await startTestTsa('ok', otherPki);
      try {
        const r = await requestTimestamp(data, { urls: [bad.url], anchors: anchorsFromFile(otherPki.caPem, 'ca.pem') });
        expect(r.ok, eku).toBe(false);
        if (!r.ok) expect(r.reason).toMatch(reason);
      } finally {
        await bad.close();
      }
    }
    const r = await requestTimestamp(data, { urls: [tsa.url], anchors: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/is not trusted/);
  }, 60_000);

  it('hostile bytes as a token or .tsr: a problem named, never an exception', async () => {
    const r = await requestTimestamp(data, { urls: [tsa.url], anchors: anchors() });
    if (!r.ok) throw new Error(r.reason);
    for (const bad of [Buffer.alloc(0), Buffer.from('30800000', 'hex'), r.token.subarray(0, r.token.length - 1), Buffer.concat([r.token, Buffer.from([0])]), Buffer.from('not der at all')]) {
      const c = checkToken(bad, { data, anchors: anchors() });
      expect(c.ok).toBe(false);
      expect(c.problems.length).toBeGreaterThan(0);
    }
    // A flipped byte in the TSA's signature value (the last bytes of the SignerInfo).
    const flipped = Buffer.from(r.token);
    flipped[flipped.length - 5] ^= 0xff;
    expect(checkToken(flipped, { data, anchors: anchors() }).problems.join()).toMatch(/does not verify/);
    expect(() => tokenOfTsr(Buffer.from('30053003020102', 'hex'))).toThrow(/rejection/);
    expect(tokenOfTsr(r.response).equals(r.token)).toBe(true);
  });
});
