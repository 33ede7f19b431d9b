// One folder, one signer, at the real time, and a verifier that says who it is: the CLI as an examiner
// runs it (import --examiner, then plain report and bundle), pdfinfo/pdfsig/openssl as the referees.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdfSignature } from '../../src/report/pdf-verify.js';
import { runCli, SAMPLES, tempDir } from '../helpers/cli.js';
import { openTestCa, type TestCa } from '../signing/openssl-ca.js';

const home = tempDir('nc-sig-home-');
const env = { NETCUSTODY_HOME: home, NETCUSTODY_EXAMINER: 'root' };
let out: string;
let dir: string;
let zip: string;

async function ok(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const r = await runCli(args, { env: { ...env, ...extraEnv } });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

async function importSample(examiner: string | null): Promise<string> {
  const who = examiner ? ['--examiner', examiner] : [];
  const json = JSON.parse(await ok(['import', join(SAMPLES, 'ubuntu-18.04/ss-sudo-tulpen.out'), '--command', 'ss -tulpen', '--os', 'linux', '--host', 'web01', '--out', out, '--case', 'SIG-1', ...who, '--json']));
  return json.evidenceDir as string;
}

function custody(folder: string): { seq: number; time: string; actor: string; action: string; details?: Record<string, unknown> }[] {
  return readFileSync(join(folder, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

beforeAll(async () => {
  out = tempDir('nc-sig-out-');
  dir = await importSample('Examiner X');
  await ok(['analyze', dir]);
  // The plain later stages, as the issue reproduced it: NETCUSTODY_EXAMINER/the user name is "root".
  await ok(['report', dir]);
  zip = JSON.parse(await ok(['bundle', dir, '--json'])).bundle;
}, 120_000);

describe('identity drift: later stages sign as the examiner recorded in the folder', () => {
  it('import --examiner X, then plain report and bundle: the PDF and the manifest are both signed by CN=X', async () => {
    const pdfsig = spawnSync('pdfsig', [join(dir, 'report/report.pdf')], { encoding: 'utf8' }).stdout;
    expect(pdfsig).toContain('Signer Certificate Common Name: Examiner X');
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'manifest.sig')], { encoding: 'utf8' });
    expect(printed).toMatch(/issuer: CN=Examiner X/);
    const v = await runCli(['verify', zip, '--json'], { env });
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).signer).toMatchObject({ subject: 'CN=Examiner X, OU=netcustody self-signed examiner certificate', trusted: false, how: expect.stringMatching(/^NOT TRUSTED: self-signed, compare the fingerprint /) });
    expect(custody(dir).filter((e) => ['report published', 'bundle created'].includes(e.action)).map((e) => e.actor)).toEqual([expect.stringMatching(/^Examiner X/), 'Examiner X']);
  });

  it('bundle refuses a folder whose PDF another identity signed, with a clear message', async () => {
    const other = join(tempDir('nc-sig-copy-'), 'f');
    cpSync(dir, other, { recursive: true });
    await ok(['report', other, '--examiner', 'Examiner Y']);
    const r = await runCli(['bundle', other], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^netcustody: error: .*refusing to seal: report\/report.pdf is signed by CN=Examiner Y.* but the bundle would be signed by CN=Examiner X.*one folder is signed by one identity\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Told which identity to use, it seals.
    expect((await runCli(['bundle', other, '--examiner', 'Examiner Y'], { env })).exitCode).toBe(0);
  });
});

describe('signing time (issue 12 item 3)', () => {
  it('the PDF signature time is the real time: ≥ the PDF creation date, ≤ the custody event "report published"', () => {
    const info = execFileSync('pdfinfo', ['-isodates', join(dir, 'report/report.pdf')], { encoding: 'utf8' });
    const created = new Date(/^CreationDate:\s+(\S+)/m.exec(info)![1]);
    const signing = new Date(verifyPdfSignature(readFileSync(join(dir, 'report/report.pdf'))).signingTime!);
    const signedEvent = custody(dir).find((e) => e.action === 'report published')!;
    expect(signing.getTime()).toBeGreaterThanOrEqual(created.getTime());
    expect(signing.getTime()).toBeLessThanOrEqual(new Date(signedEvent.time).getTime());
    expect(new Date(signedEvent.details!.signingTime as string).getTime()).toBeGreaterThanOrEqual(signing.getTime());
  });

  it('manifest.sig carries no signingTime attribute, and openssl cms -verify still passes', () => {
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'manifest.sig')], { encoding: 'utf8' });
    expect(printed).toContain('messageDigest');
    expect(printed).not.toContain('signingTime');
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'manifest.sig', '-content', 'SHA256SUMS', '-CAfile', 'examiner-cert.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toContain('Verification successful');
  });

  it('custody events are in time order', () => {
    const events = custody(dir);
    for (let i = 1; i < events.length; i++) expect(events[i].time >= events[i - 1].time, `event ${events[i].seq} (${events[i].action}) is before event ${events[i - 1].seq}`).toBe(true);
  });
});

describe('trust store and --require-trust', () => {
  it('trust add / list / remove, and verify reports pinned or NOT TRUSTED (exit 3 with --require-trust)', async () => {
    const untrusted = await runCli(['verify', zip, '--require-trust'], { env });
    expect(untrusted.exitCode).toBe(3);
    expect(untrusted.stdout).toMatch(/^SIGNER  CN=Examiner X.*\n {8}SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\n {8}NOT TRUSTED: self-signed, compare the fingerprint/m);
    const added = await ok(['trust', 'add', join(dir, 'examiner-cert.pem')]);
    const fp = /^pinned {2}(\S+) {2}CN=Examiner X/.exec(added)![1];
    expect(await ok(['trust', 'list'])).toContain(fp);
    const pinned = await runCli(['verify', zip, '--require-trust', '--json'], { env });
    expect(pinned.exitCode).toBe(0);
    expect(JSON.parse(pinned.stdout).signer).toMatchObject({ trusted: true, how: 'trusted (pinned)', fingerprint: fp.replace(/:/g, '').toLowerCase() });
    expect(await ok(['trust', 'remove', fp])).toContain('removed');
    expect((await runCli(['verify', zip, '--require-trust'], { env })).exitCode).toBe(3);
  });

  it('bad trust input: a clear one-line error naming the file, usage errors exit 2', async () => {
    const notCert = join(tempDir(), 'notes.txt');
    writeFileSync(notCert, 'hello\n');
    const r1 = await runCli(['trust', 'add', notCert], { env });
    expect(r1.exitCode).toBe(1);
    expect(r1.stderr).toBe(`netcustody: error: ${notCert}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
    const r2 = await runCli(['trust', 'remove', 'not-a-fingerprint'], { env });
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/is not a SHA-256 fingerprint/);
    expect((await runCli(['trust', 'add'], { env })).exitCode).toBe(2);
    const r3 = await runCli(['verify', zip, '--trust', notCert], { env });
    expect(r3.exitCode).toBe(2);
    expect(r3.stderr).toBe(`netcustody: error: --trust ${notCert}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
  });
});

describe('--allow-expired-cert', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = openTestCa('nc-sig-expired-');
    ca.cert('root', { issuer: null, profile: 'root' });
    ca.cert('old', { issuer: 'root', profile: 'signer', start: '20200101000000Z', end: '20210101000000Z', subject: '/CN=Old Examiner (THROWAWAY)' });
    ca.openssl('pkcs12', '-export', '-inkey', 'old.key', '-in', 'old.pem', '-certfile', 'root.pem', '-out', 'old.p12', '-passout', 'pass:throwaway');
  });
  afterAll(() => ca?.cleanup());

  it('report refuses an expired PKCS#12; with the flag it signs, custody records it, and verify reports the expiry', async () => {
    const folder = join(tempDir('nc-sig-old-'), 'f');
    cpSync(dir, folder, { recursive: true });
    const p12env = { NC_P12: 'throwaway' };
    const refused = await runCli(['report', folder, '--p12', ca.path('old.p12'), '--p12-pass-env', 'NC_P12'], { env: { ...env, ...p12env } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^netcustody: error: .*old\.p12: cannot sign with this certificate: .*had expired at the signing time/);
    expect(refused.stderr).toContain('hint: use a valid certificate; --allow-expired-cert only to re-sign old evidence');
    await ok(['report', folder, '--p12', ca.path('old.p12'), '--p12-pass-env', 'NC_P12', '--allow-expired-cert'], p12env);
    const event = custody(folder).reverse().find((e) => e.action === 'report published')!;
    expect(event.details!.allowExpiredCert).toMatch(/^signed with an expired certificate \(--allow-expired-cert\)/);
    const v = await runCli(['verify', folder], { env });
    expect(v.exitCode).toBe(3);
    expect(v.stdout).toMatch(/report\/report\.pdf: .*had expired at the signing time/);
  });
});
