// Trusted time end to end, through the CLI a user runs, against a local `openssl ts -reply` TSA:
// `run --tsa` gives a report whose PDF signature carries a token and a bundle with manifest.tsr,
// accepted by verify, openssl ts -verify and pdfsig; `timestamp` adds a token to an existing bundle;
// a TSA that is down never loses the report; a swapped token and an untrusted TSA fail verify.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { downTsaUrl, makeTestPki, startTestTsa, type TestPki, type TestTsa } from '../helpers/tsa-server.js';

let pki: TestPki;
let tsa: TestTsa;
let home: string;
let stamped: { evidenceDir: string; bundle: string };
let plain: { evidenceDir: string; bundle: string };
let runStderr = '';

function custody(dir: string): { action: string; details?: Record<string, unknown> }[] {
  return readFileSync(join(dir, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function unzip(zip: string): string {
  const out = join(tempDir(), 'x');
  const r = spawnSync('unzip', ['-q', zip, '-d', out]);
  expect(r.status).toBe(0);
  return out;
}

async function run(extra: string[]): Promise<{ evidenceDir: string; bundle: string }> {
  const r = await runCli(['run', '--out', tempDir(), '--case', 'TSA-1', '--examiner', 'Time Tester', '--json', ...extra], { env: { NETCUSTODY_HOME: home } });
  expect(r.exitCode, r.stderr).toBe(0);
  runStderr = r.stderr;
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  home = tempDir();
  pki = makeTestPki();
  tsa = await startTestTsa('ok', pki);
  stamped = await run(['--tsa', tsa.url, '--tsa-ca', pki.caFile]);
  plain = await run([]);
}, 240_000);
afterAll(async () => tsa?.close());

describe('run --tsa', () => {
  it('signs the PDF with a signature-time-stamp token and seals manifest.tsr; verify shows TSA, time and trust', async () => {
    expect(runStderr).toBe(runStderr); // (the plain run is last; stamped's output is checked through its files)
    const events = custody(stamped.evidenceDir);
    const report = events.find((e) => e.action === 'report published')!;
    expect((report.details!.timestamp as { status: string }).status).toBe('added');
    expect(events.some((e) => e.action === 'timestamp added')).toBe(true);
    const v = await runCli(['verify', stamped.bundle, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(v.exitCode, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/PASS\s+timestamps/);
    expect(v.stdout).toMatch(/TIME {4}manifest\.tsr \(over SHA256SUMS\): valid/);
    expect(v.stdout).toMatch(/TIME {4}report\/report\.pdf \(over the signature value.*\): valid/);
    expect(v.stdout).toMatch(/TSA time \d{4}-\d\d-\d\dT[\d:.]+Z \(±1 s\) by CN=Test TSA \(THROWAWAY\).*policy 1\.3\.6\.1\.4\.1\.99999\.1\.1.*trusted/);
    expect(v.stdout).toMatch(/s after (the PDF signingTime|last sealed custody event)/);
  });

  it('openssl ts -verify accepts manifest.tsr over SHA256SUMS (README command); pdfsig accepts the PDF', () => {
    const dir = unzip(stamped.bundle);
    copyFileSync(pki.caFile, join(dir, 'tsa-ca.pem'));
    const r = spawnSync('sh', ['-c', 'openssl ts -verify -data SHA256SUMS -in manifest.tsr -CAfile tsa-ca.pem'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('Verification: OK');
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('openssl ts -verify -data SHA256SUMS -in manifest.tsr -CAfile tsa-ca.pem');
    const p = spawnSync('pdfsig', [join(dir, 'report/report.pdf')], { encoding: 'utf8' });
    expect(p.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(p.stdout).toContain('Total document signed');
    // The token inside the PDF signature is itself a valid RFC 3161 token for openssl too.
    const sig = spawnSync('python3', ['-c', `import re,sys;d=open(sys.argv[1],'rb').read();m=re.search(rb'/Contents <([0-9a-fA-F]+)>',d);sys.stdout.buffer.write(bytes.fromhex(m.group(1).decode()))`, join(dir, 'report/report.pdf')]);
    writeFileSync(join(dir, 'sig.der'), sig.stdout);
    const asn = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'sig.der')], { encoding: 'utf8' });
    expect(asn.stdout).toContain('id-smime-aa-timeStampToken');
  });

  it('an untrusted TSA fails verify (exit 3); so does a token over other data swapped in', async () => {
    const untrusted = await runCli(['verify', stamped.bundle], { env: { NETCUSTODY_HOME: home } });
    expect(untrusted.exitCode).toBe(3);
    expect(untrusted.stdout).toMatch(/FAIL\s+timestamps/);
    expect(untrusted.stdout).toMatch(/is not trusted/);
    // The token of one folder in another: a valid token, over other data.
    const copy = join(tempDir(), basename(plain.evidenceDir));
    cpSync(plain.evidenceDir, copy, { recursive: true });
    copyFileSync(join(stamped.evidenceDir, 'manifest.tsr'), join(copy, 'manifest.tsr'));
    const swapped = await runCli(['verify', copy, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(swapped.exitCode).toBe(3);
    expect(swapped.stdout).toMatch(/manifest\.tsr: manifest\.tsr covers other data/);
  });
});

describe('timestamp on an existing bundle', () => {
  it('a bundle without tokens verifies and says so; timestamp adds manifest.tsr, logged, in a new zip', async () => {
    const before = await runCli(['verify', plain.bundle], { env: { NETCUSTODY_HOME: home } });
    expect(before.exitCode, before.stdout).toBe(0);
    expect(before.stdout).toContain('no trusted timestamp');
    const t = await runCli(['timestamp', plain.bundle, '--tsa', tsa.url, '--tsa-ca', pki.caFile, '--json'], { env: { NETCUSTODY_HOME: home } });
    expect(t.exitCode, t.stderr).toBe(0);
    const out = JSON.parse(t.stdout);
    expect(out.evidenceDir).toBe(plain.evidenceDir);
    expect(out.bundle).not.toBe(plain.bundle);
    const added = custody(plain.evidenceDir).find((e) => e.action === 'timestamp added')!;
    expect(added.details!.tsaUrl).toBe(tsa.url);
    expect(added.details!.genTime).toBe(out.timestamp.genTime);
    const after = await runCli(['verify', out.bundle, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/TIME {4}manifest\.tsr \(over SHA256SUMS\): valid/);
    // The folder still verifies (its log grew by the timestamp and the new bundle).
    const folder = await runCli(['verify', plain.evidenceDir, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(folder.exitCode, folder.stdout).toBe(0);
  });

  it('a zip alone gets a new zip beside it with the same members plus manifest.tsr', async () => {
    const lone = join(tempDir(), 'lone');
    mkdirSync(lone);
    const zip = join(lone, basename(plain.bundle));
    copyFileSync(plain.bundle, zip);
    const t = await runCli(['timestamp', zip, '--tsa', tsa.url, '--tsa-ca', pki.caFile, '--json'], { env: { NETCUSTODY_HOME: home } });
    expect(t.exitCode, t.stderr).toBe(0);
    const out = JSON.parse(t.stdout);
    expect(out.evidenceDir).toBeNull();
    expect(out.note).toMatch(/custody log sealed in the zip cannot record/);
    expect(dirname(out.bundle)).toBe(lone);
    expect(readdirSync(lone).sort()).toEqual([basename(plain.bundle), basename(out.bundle), `${basename(out.bundle)}.sha256`].sort());
    const v = await runCli(['verify', out.bundle, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(v.exitCode, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/TIME {4}manifest\.tsr/);
  });
});

describe('a TSA that fails never loses the report', () => {
  it('report and bundle with a TSA that is down: signed and sealed without tokens, the failure printed and logged', async () => {
    const down = await downTsaUrl();
    const dir = plain.evidenceDir;
    const r = await runCli(['report', dir, '--tsa', down, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: No trusted timestamp in the PDF signature: .*cannot reach the TSA \(ECONNREFUSED\)/);
    const report = custody(dir).filter((e) => e.action === 'report published').pop()!;
    expect(report.details!.timestamp).toMatchObject({ status: 'failed' });
    const b = await runCli(['bundle', dir, '--tsa', down, '--tsa-ca', pki.caFile, '--json'], { env: { NETCUSTODY_HOME: home } });
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/warning: no trusted timestamp on manifest\.tsr/);
    expect(JSON.parse(b.stdout).timestamp.status).toBe('failed');
    expect(custody(dir).some((e) => e.action === 'timestamp failed')).toBe(true);
    const v = await runCli(['verify', JSON.parse(b.stdout).bundle], { env: { NETCUSTODY_HOME: home } });
    expect(v.exitCode, v.stdout).toBe(0);
    expect(v.stdout).toContain('no trusted timestamp');
    // timestamp with the TSA down: exit 1, nothing changed.
    const t = await runCli(['timestamp', dir, '--tsa', down], { env: { NETCUSTODY_HOME: home } });
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toMatch(/no timestamp: .*ECONNREFUSED/);
  }, 120_000);

  it('a TSA answering with a wrong nonce: the report is signed without its token', async () => {
    const liar = await startTestTsa('wrong-nonce', pki);
    try {
      const r = await runCli(['report', plain.evidenceDir, '--tsa', liar.url, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/No trusted timestamp .*nonce .* is not the nonce sent/);
    } finally {
      await liar.close();
    }
  }, 120_000);

  it('timestamp refuses a folder changed since its seal; NETCUSTODY_TSA falls back to the next TSA', async () => {
    // The reports above changed the PDF after the last seal: timestamp must not re-sign.
    const t = await runCli(['timestamp', plain.evidenceDir, '--tsa', tsa.url, '--tsa-ca', pki.caFile], { env: { NETCUSTODY_HOME: home } });
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toMatch(/no seal that still holds .*a timestamp is only added to an existing seal/);
    const down = await downTsaUrl();
    const b = await runCli(['bundle', plain.evidenceDir, '--tsa-ca', pki.caFile, '--json'], { env: { NETCUSTODY_HOME: home, NETCUSTODY_TSA: `${down} ${tsa.url}` } });
    expect(b.exitCode, b.stderr).toBe(0);
    const out = JSON.parse(b.stdout);
    expect(out.timestamp).toMatchObject({ status: 'added', record: { tsaUrl: tsa.url } });
    const added = custody(plain.evidenceDir).filter((e) => e.action === 'timestamp added').pop()!;
    expect((added.details!.attempts as { url: string; error: string | null }[]).map((a) => a.url)).toEqual([down, tsa.url]);
  }, 120_000);

  it('usage errors: a non-http TSA, --tsa-ca without a certificate', async () => {
    const a = await runCli(['bundle', plain.evidenceDir, '--tsa', 'ftp://x/'], { env: { NETCUSTODY_HOME: home } });
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toMatch(/--tsa ftp:\/\/x\/: only http and https/);
    const b = await runCli(['timestamp', plain.evidenceDir, '--tsa', tsa.url, '--tsa-ca', '/etc/hostname'], { env: { NETCUSTODY_HOME: home } });
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toMatch(/\/etc\/hostname: no PEM certificate/);
  });
});
