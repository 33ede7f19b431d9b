// Differential test of the one CMS verifier against `openssl cms -verify`: the same signature, content
// and trust anchor go to both, and both must give the same verdict. Certificates are THROWAWAY ones
// made by `openssl ca` at test time (see ../signing/openssl-ca.ts), including CA → intermediate → leaf.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDetachedCms } from '../../src/bundle/cms-verify.js';
import { signDetachedCms, type SigningIdentity } from '../../src/signing/index.js';
import { anchorsFromFile, evaluateTrust } from '../../src/signing/trust-store.js';
import { openTestCa, opensslVerifies, type TestCa } from '../signing/openssl-ca.js';

let ca: TestCa;
const SUMS = `${'a'.repeat(64)}  raw/01-netstat.stdout\n`;
const past = { start: '20200101000000Z', end: '20210101000000Z' };
const future = { start: '20990101000000Z', end: '20991231000000Z' };

beforeAll(() => {
  ca = openTestCa('nc-cms-diff-');
  writeFileSync(ca.path('SUMS'), SUMS);
  ca.cert('root', { issuer: null, profile: 'root' });
  ca.cert('inter', { issuer: 'root', profile: 'intermediate' });
  ca.cert('leaf', { issuer: 'root', profile: 'signer' });
  ca.cert('chained', { issuer: 'inter', profile: 'signer' });
  ca.cert('nonrep', { issuer: 'root', profile: 'nonrepudiation_only' });
  ca.cert('expired', { issuer: 'root', profile: 'signer', ...past });
  ca.cert('notyet', { issuer: 'root', profile: 'signer', ...future });
  ca.cert('kexonly', { issuer: 'root', profile: 'keyencipherment_only' });
  // An end-entity certificate used as if it were a CA.
  ca.cert('ee', { issuer: 'root', profile: 'signer' });
  ca.cert('under-ee', { issuer: 'ee', profile: 'signer' });
  ca.cert('inter-expired', { issuer: 'root', profile: 'intermediate', ...past });
  ca.cert('under-expired', { issuer: 'inter-expired', profile: 'signer' });
  ca.cert('inter-nocertsign', { issuer: 'root', profile: 'ca_no_keycertsign' });
  ca.cert('under-nocertsign', { issuer: 'inter-nocertsign', profile: 'signer' });
  ca.cert('inter-noku', { issuer: 'root', profile: 'ca_no_keyusage' });
  ca.cert('under-noku', { issuer: 'inter-noku', profile: 'signer' });
  ca.cert('inter-pl0', { issuer: 'root', profile: 'intermediate_pathlen0' });
  ca.cert('inter-pl0-sub', { issuer: 'inter-pl0', profile: 'intermediate' });
  ca.cert('under-pl0-sub', { issuer: 'inter-pl0-sub', profile: 'signer' });
  ca.cert('selfsigned', { issuer: null, profile: 'signer' });
});
afterAll(() => ca?.cleanup());

/** openssl signs (it checks nothing about the signer's certificate), both verify. */
function bothVerdicts(signer: string, chain: string[], anchor: string, content = 'SUMS'): { openssl: boolean; ours: boolean; problems: string[]; stderr: string } {
  const sig = `${signer}.sig`;
  const certfile = chain.length ? ['-certfile', `${signer}.chain.pem`] : [];
  if (chain.length) writeFileSync(ca.path(`${signer}.chain.pem`), chain.map((c) => ca.text(`${c}.pem`)).join(''));
  ca.openssl('cms', '-sign', '-binary', '-in', 'SUMS', '-signer', `${signer}.pem`, '-inkey', `${signer}.key`, '-outform', 'DER', '-out', sig, '-md', 'sha256', ...certfile);
  const reference = opensslVerifies(ca, sig, content, `${anchor}.pem`);
  const cms = verifyDetachedCms({ signature: ca.read(sig), content: ca.read(content), label: 'test.sig' });
  const trust = evaluateTrust(cms.chain, anchorsFromFile(ca.text(`${anchor}.pem`), `${anchor}.pem`));
  const problems = trust.trusted ? cms.problems : [...cms.problems, trust.how];
  return { openssl: reference.ok, ours: cms.ok && trust.trusted, problems, stderr: reference.stderr };
}

const CASES: { name: string; signer: string; chain: string[]; anchor?: string; expected: boolean; problem?: RegExp }[] = [
  { name: 'root → leaf', signer: 'leaf', chain: [], expected: true },
  { name: 'root → intermediate → leaf (intermediate in the signature)', signer: 'chained', chain: ['inter'], expected: true },
  { name: 'root → intermediate → leaf without the intermediate', signer: 'chained', chain: [], expected: false, problem: /NOT TRUSTED/ },
  { name: 'nonRepudiation-only key usage', signer: 'nonrep', chain: [], expected: true },
  { name: 'expired signer certificate', signer: 'expired', chain: [], expected: false, problem: /had expired at the signing time/ },
  { name: 'not-yet-valid signer certificate', signer: 'notyet', chain: [], expected: false, problem: /was not yet valid at the signing time/ },
  { name: 'keyEncipherment-only signer certificate', signer: 'kexonly', chain: [], expected: false, problem: /does not allow signatures/ },
  { name: 'issued by an end-entity certificate', signer: 'under-ee', chain: ['ee'], expected: false, problem: /is not a CA/ },
  { name: 'expired intermediate', signer: 'under-expired', chain: ['inter-expired'], expected: false, problem: /issuer certificate .*had expired/ },
  { name: 'intermediate CA without keyCertSign', signer: 'under-nocertsign', chain: ['inter-nocertsign'], expected: false, problem: /lacks keyCertSign/ },
  { name: 'intermediate CA without a key usage extension', signer: 'under-noku', chain: ['inter-noku'], expected: true },
  { name: 'pathlen:0 intermediate with a CA below it', signer: 'under-pl0-sub', chain: ['inter-pl0-sub', 'inter-pl0'], expected: false, problem: /allows 0 CA/ },
  { name: 'self-signed signer, itself the anchor', signer: 'selfsigned', chain: [], anchor: 'selfsigned', expected: true },
  { name: 'signer chained to an unrelated anchor', signer: 'leaf', chain: [], anchor: 'selfsigned', expected: false, problem: /NOT TRUSTED/ },
];

describe('verifyDetachedCms and openssl cms -verify agree', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.expected ? 'both accept' : 'both reject'}`, () => {
      const r = bothVerdicts(c.signer, c.chain, c.anchor ?? 'root');
      expect({ openssl: r.openssl, ours: r.ours }, `openssl: ${r.stderr}\nours: ${r.problems.join('; ')}`).toEqual({ openssl: c.expected, ours: c.expected });
      if (c.problem) expect(r.problems.join('\n')).toMatch(c.problem);
    });
  }

  it('changed content: both reject', () => {
    writeFileSync(ca.path('SUMS.changed'), SUMS.replace('a', 'b'));
    const r = bothVerdicts('chained', ['inter'], 'root', 'SUMS.changed');
    expect({ openssl: r.openssl, ours: r.ours }).toEqual({ openssl: false, ours: false });
    expect(r.problems.join()).toMatch(/messageDigest does not match/);
  });
});

describe('netcustody signatures through the chain', () => {
  function identity(name: string, chain: string[]): SigningIdentity {
    return { keyPem: ca.text(`${name}.key`), certPem: ca.text(`${name}.pem`), chainPem: chain.map((c) => ca.text(`${c}.pem`)), subject: name, selfSigned: false, source: `test:${name}` };
  }

  it('a CA → intermediate → leaf identity: openssl and verifyDetachedCms accept, also with no signingTime', () => {
    for (const signingTime of [undefined, null]) {
      const sig = signDetachedCms(Buffer.from(SUMS), identity('chained', ['inter', 'root']), { signingTime });
      writeFileSync(ca.path('nc.sig'), sig);
      expect(opensslVerifies(ca, 'nc.sig', 'SUMS', 'root.pem').ok).toBe(true);
      const cms = verifyDetachedCms({ signature: sig, content: Buffer.from(SUMS) });
      expect(cms.problems).toEqual([]);
      expect(cms.chain.map((c) => c.subject)).toEqual(['CN=chained (THROWAWAY test certificate)', 'CN=inter (THROWAWAY test certificate)', 'CN=root (THROWAWAY test certificate)']);
      expect(cms.chainComplete).toBe(true);
      expect(cms.signingTime === null).toBe(signingTime === null);
    }
  });

  it('no signingTime: validity is checked at the time the caller names, and says so', () => {
    const sig = signDetachedCms(Buffer.from(SUMS), identity('expired', []), { signingTime: null });
    const then = verifyDetachedCms({ signature: sig, content: Buffer.from(SUMS), timeIfUnsigned: { time: new Date('2020-06-01T00:00:00Z'), source: 'the last sealed custody event' } });
    expect(then).toMatchObject({ ok: true, validAt: { time: '2020-06-01T00:00:00.000Z', source: 'the last sealed custody event' } });
    const now = verifyDetachedCms({ signature: sig, content: Buffer.from(SUMS) });
    expect(now.ok).toBe(false);
    expect(now.problems.join()).toMatch(/had expired at the time of checking/);
  });
});
