// Item 14 (DER): both DER readers (bundle/der-read.ts for verification, signing/der.ts for the
// signer's own parsing) reject non-minimal lengths, OIDs with a dangling continuation byte or
// padding, and times that are not real dates — compared with OpenSSL on the same bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidOf, readTlv, timeOf } from '../../src/bundle/der-read.js';
import { decodeOid, readNode } from '../../src/signing/der.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-der-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function asn1parse(bytes: Buffer): string {
  const path = join(work, 'x.der');
  writeFileSync(path, bytes);
  const r = spawnSync('openssl', ['asn1parse', '-inform', 'DER', '-in', path], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

const accepts = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

describe('lengths', () => {
  const cases: [string, string, boolean][] = [
    ['short form', '3003020105', true],
    ['long form for a short length (0x81 0x03)', '308103020105', false],
    ['leading zero length byte (0x82 0x00 0x03)', '30820003020105', false],
    ['long form for 128 bytes (minimal)', `308180${'04'}7e${'00'.repeat(126)}`, true],
  ];
  for (const [what, hex, ok] of cases) {
    it(`${what}: ${ok ? 'accepted' : 'rejected'} by both readers`, () => {
      const bytes = Buffer.from(hex, 'hex');
      expect(accepts(() => readTlv(bytes, 0))).toBe(ok);
      expect(accepts(() => readNode(bytes, 0))).toBe(ok);
      // Documented difference: OpenSSL parses BER, so it accepts the padded lengths too (the header
      // length `hl` shows the extra bytes). DER (X.690 §10.1) forbids them: two encodings, one value.
      const out = asn1parse(bytes);
      expect(out).toMatch(/0:d=0 +hl=\d+ l= *\d+ cons: SEQUENCE/);
      expect(out).not.toMatch(/error/i);
    });
  }
});

describe('object identifiers', () => {
  const cases: [string, string, boolean][] = [
    ['1.2.840 (valid)', '06032a8648', true],
    ['dangling continuation byte', '06032a8688', false],
    ['sub-identifier padded with 0x80', '06032a8001', false],
    ['only a continuation byte', '060186', false],
  ];
  for (const [what, hex, ok] of cases) {
    it(`${what}: ${ok ? 'accepted' : 'rejected'}, as OpenSSL ${ok ? 'names it' : 'calls it BAD OBJECT'}`, () => {
      const bytes = Buffer.from(hex, 'hex');
      expect(accepts(() => oidOf(bytes, readTlv(bytes, 0)))).toBe(ok);
      expect(accepts(() => decodeOid(bytes.subarray(2)))).toBe(ok);
      expect(asn1parse(bytes).includes('BAD OBJECT')).toBe(!ok);
    });
  }
  it('a valid OID reads the same as OpenSSL prints it', () => {
    const bytes = Buffer.from('06092a864886f70d010702', 'hex');
    expect(oidOf(bytes, readTlv(bytes, 0))).toBe('1.2.840.113549.1.7.2');
    expect(asn1parse(bytes)).toContain('pkcs7-signedData');
  });
});

describe('UTCTime, judged as OpenSSL judges a certificate notBefore', () => {
  let certDer: Buffer;
  let timeAt: number;
  beforeAll(() => {
    const key = join(work, 'k.pem');
    const pem = join(work, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', pem, '-subj', '/CN=der-test', '-days', '1'], { stdio: 'ignore' });
    certDer = execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']);
    timeAt = certDer.indexOf(Buffer.from([0x17, 0x0d])); // notBefore
  });

  const times: [string, boolean][] = [
    ['490101235959Z', true],
    ['240229120000Z', true],
    ['491301000000Z', false],
    ['490132000000Z', false],
    ['490230000000Z', false],
    ['230229000000Z', false],
    ['490101240000Z', false],
    ['490101236000Z', false],
    ['490101235960Z', false],
  ];
  for (const [text, ok] of times) {
    it(`${text}: ${ok ? 'accepted' : 'rejected'} by verify and by openssl x509`, () => {
      const node = Buffer.concat([Buffer.from([0x17, 0x0d]), Buffer.from(text, 'latin1')]);
      expect(accepts(() => timeOf(node, readTlv(node, 0)))).toBe(ok);
      const cert = Buffer.from(certDer);
      cert.write(text, timeAt + 2, 'latin1');
      const path = join(work, 'cert.der');
      writeFileSync(path, cert);
      const dates = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path, '-noout', '-startdate'], { encoding: 'utf8' });
      expect(dates.includes('Bad time value')).toBe(!ok);
    });
  }

  it('a GeneralizedTime body under the UTCTime tag (and the reverse) is rejected', () => {
    const utc = Buffer.concat([Buffer.from([0x17, 0x0f]), Buffer.from('20490101000000Z', 'latin1')]);
    const gen = Buffer.concat([Buffer.from([0x18, 0x0d]), Buffer.from('490101000000Z', 'latin1')]);
    expect(accepts(() => timeOf(utc, readTlv(utc, 0)))).toBe(false);
    expect(accepts(() => timeOf(gen, readTlv(gen, 0)))).toBe(false);
  });
});
