// The examiner's voice in the signed PDF, read back with pdftotext: identity, instructions, notes,
// conclusions (escaped, paragraphs kept), the declaration naming the fingerprint that the PDF's own
// signature carries (pdfsig -dump + openssl), the tool identity and validation section, and the
// "(as stated)" provenance of imported files.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import type { ValidationData } from '../../src/validation/types.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';

const SCENARIO = join(REPO, 'fixtures/scenarios/windows-srss-backdoor');
const NETSTAT = join(SCENARIO, 'netstat-anob.txt');
const ROUTE = join(SCENARIO, 'route-print.txt');
const sha = (p: string) => sha256Hex(readFileSync(p));

function pages(pdf: string): string[] {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f');
}
/** The page where a section starts and the next one (a section may run over a page break). */
const pageWith = (all: string[], heading: string) => {
  const at = all.findIndex((p) => p.includes(heading));
  return at < 0 ? '' : all.slice(at, at + 2).join('\n');
};
/** pdftotext breaks long lines: compare without any whitespace. */
const flat = (text: string) => text.replace(/\s+/g, '');

/** The fingerprint of the certificate inside the PDF's signature, as openssl prints it. */
function signatureFingerprint(pdf: string, work: string): string {
  const copy = join(work, 'sig.pdf');
  writeFileSync(copy, readFileSync(pdf));
  execFileSync('pdfsig', ['-dump', copy], { cwd: work });
  const certs = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', `${copy}.sig0`, '-print_certs'], { encoding: 'utf8' });
  const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: certs, encoding: 'utf8' });
  return out.trim().split('=')[1].replace(/:/g, '').toLowerCase();
}

describe('report with the examiner\'s statements on imported evidence', () => {
  const work = tempDir('nc-voice-');
  const env = { NETCUSTODY_HOME: join(work, 'home') };
  let dir: string;
  let pdf: string;
  let text: string[];

  beforeAll(async () => {
    writeFileSync(join(work, 'scope.txt'), 'Instructions from DI Smith:\n1. Is WS-ACCT-07 talking to 203.0.113.66?\n2. Which process owns TCP 1337?\n\nReport <b>facts</b> & opinions apart.');
    writeFileSync(join(work, 'notes.txt'), 'The user said the PC was slow.\nSecond line, same paragraph.\n\n{{constructor}} <script>x</script> \u202Eevil');
    writeFileSync(join(work, 'conclusions.txt'), 'In my opinion srss.exe (PID 1256) is a backdoor.\n\nIt is not csrss.exe.');
    const imp = await runCli(['import', NETSTAT, ROUTE, '--command', 'netstat -anob', '--host', 'WS-ACCT-07', '--os', 'Windows 10',
      '--captured-at', '2026-11-28T10:15:00+01:00', '--captured-by', 'PC Jones', '--source-hash', sha(NETSTAT), '--source-hash', sha(ROUTE),
      '--case', 'V-1', '--examiner', 'Dana Scully', '--organisation', 'Northbridge Lab', '--role', 'Forensic examiner, GCFA', '--out', join(work, 'out'), '--json'], { env });
    expect(imp.exitCode, imp.stderr).toBe(0);
    dir = JSON.parse(imp.stdout).evidenceDir;
    expect((await runCli(['analyze', dir, '-q'], { env })).exitCode).toBe(0);
    const r = await runCli(['report', dir, '--scope', join(work, 'scope.txt'), '--notes', join(work, 'notes.txt'), '--conclusions', join(work, 'conclusions.txt'), '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    pdf = JSON.parse(r.stdout).report;
    text = pages(pdf);
  });

  it('records each statement once in statements/, hashed and logged in custody, and names the folder\'s examiner', () => {
    const files = readdirSync(join(dir, 'statements')).sort();
    expect(files).toEqual(['01-scope.txt', '02-notes.txt', '03-conclusions.txt']);
    const events = readCustody(dir).filter((e) => e.action === 'statement recorded');
    expect(events.map((e) => e.object)).toEqual(files.map((f) => `statements/${f}`));
    for (const e of events) expect(e.sha256).toBe(sha(join(dir, e.object!)));
    expect(events.every((e) => e.actor.startsWith('Dana Scully'))).toBe(true);
    expect(readFileSync(join(dir, 'statements/03-conclusions.txt')).equals(readFileSync(join(work, 'conclusions.txt')))).toBe(true);
    expect(verifyCustodyFile(dir).ok).toBe(true);
  });

  it('prints the instructions, observations and conclusions as the examiner\'s, escaped, with their paragraphs', () => {
    const s10 = pageWith(text, "10 Examiner's instructions");
    expect(s10).toContain("in the examiner's own words");
    expect(s10).toMatch(/Role \/ qualification\s+Forensic examiner, GCFA/);
    expect(s10).toMatch(/Instructions from DI Smith:\n\s*1\. Is WS-ACCT-07 talking to 203\.0\.113\.66\?\n\s*2\. Which process owns TCP 1337\?/);
    expect(s10).toContain('Report <b>facts</b> & opinions apart.');
    expect(s10).toMatch(/The user said the PC was slow\.\n\s*Second line, same paragraph\./);
    expect(s10).toContain('{{constructor}} <script>x</script> \\u202Eevil');
    expect(s10).toContain('In my opinion srss.exe (PID 1256) is a backdoor.');
    expect(s10).toContain(`statements/03-conclusions.txt, SHA-256 ${sha(join(work, 'conclusions.txt'))}`);
    // Apart from the automated findings: the examiner's words do not appear in section 4.
    expect(pageWith(text, '4 Findings')).not.toContain('In my opinion');
  });

  it('declares the fingerprint of the certificate that signed the PDF, with the signing identity', () => {
    const decl = pageWith(text, '11 Declaration');
    const fp = signatureFingerprint(pdf, work);
    expect(flat(decl)).toContain(flat(`SHA-256 fingerprint ${fp}`));
    const certFp = execFileSync('openssl', ['x509', '-in', join(env.NETCUSTODY_HOME, 'examiner-keys', readdirSync(join(env.NETCUSTODY_HOME, 'examiner-keys')).find((f) => f.endsWith('.cert.pem'))!), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    expect(certFp.split('=')[1].replace(/[:\s]/g, '').toLowerCase()).toBe(fp);
    expect(decl).toMatch(/Signing identity\s+CN=Dana Scully, O=Northbridge Lab/);
    expect(decl).toContain('I, Dana Scully, Forensic examiner, GCFA, Northbridge Lab, declare that:');
    expect(decl).toContain('my duty is to the court');
    expect(decl).toContain('What I did not do');
    expect(flat(pageWith(text, 'DIGITAL FORENSIC REPORT'))).toContain(flat('the one the examiner declares in section 11'));
  });

  it('shows what the examiner stated about the capture as "(as stated)" and the scene hashes as checked', () => {
    const cover = text[0];
    expect(cover).toContain('2026-11-28 09:15:00.000 UTC (as stated)');
    expect(flat(cover)).toContain(flat('Captured by PC Jones (as stated)'));
    expect(flat(cover)).toContain(flat('2 of 2 file(s) match the SHA-256 taken at the scene'));
    expect(cover).toMatch(/Examiner\s+Dana Scully, Forensic examiner, GCFA/);
    expect(flat(pageWith(text, '3 Methodology'))).toContain(flat('captured by PC Jones (as stated)'));
  });

  it('names exactly what produced it and prints the validation data case by case', () => {
    const all = text.join('\n');
    const s9 = all.slice(all.indexOf('9 Tool identity'), all.indexOf("10 Examiner's instructions"));
    const pkg = execFileSync('sh', ['-c', 'find dist templates fixtures/validation package.json -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum'], { cwd: REPO, encoding: 'utf8' }).split(' ')[0];
    expect(flat(s9)).toContain(flat(`Package SHA-256 ${pkg}`));
    expect(s9).toMatch(new RegExp(`Node\\.js\\s+${process.version.replace(/\./g, '\\.')}`));
    expect(s9).toMatch(/Chromium \(PDF\)\s+(Headless)?Chrome\/\d+\./);
    expect(s9).toMatch(/Collection profile\s+import/);
    const data = JSON.parse(readFileSync(join(REPO, 'fixtures/validation/validation.json'), 'utf8')) as ValidationData;
    for (const c of data.cases) expect(s9).toContain(c.name);
    for (const r of data.rules) expect(s9).toContain(r.rule);
    expect(flat(s9)).toContain(flat('NET-BACKDOOR-PORT (PID 1256): lead expected ≥ critical, got critical'));
    expect(s9).toContain('Known limitations of the validation');
  });

  it('keeps an earlier conclusion when a revised one is given, and reuses the latest on a plain re-render', async () => {
    writeFileSync(join(work, 'conclusions-2.txt'), 'Revised: srss.exe is a backdoor controlled from 203.0.113.66.');
    const r = await runCli(['report', dir, '--conclusions', join(work, 'conclusions-2.txt'), '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'statements')).sort()).toEqual(['01-scope.txt', '02-notes.txt', '03-conclusions.txt', '04-conclusions.txt']);
    const again = await runCli(['report', dir, '--json'], { env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readdirSync(join(dir, 'statements'))).toHaveLength(4);
    const s10 = flat(pages(JSON.parse(again.stdout).report).filter((p) => p.includes("10 Examiner's") || p.includes('Statements kept')).join(''));
    expect(s10).toContain(flat('Revised: srss.exe is a backdoor'));
    expect(s10).not.toContain(flat('In my opinion srss.exe'));
    expect(s10).toMatch(/statements\/03-conclusions[^]*superseded[^]*statements\/04-conclusions[^]*yes/);
  });

  it('replaces the default declaration with the examiner\'s own text, and still states the fingerprint', async () => {
    writeFileSync(join(work, 'decl.txt'), 'I confirm that I have made clear which facts are within my own knowledge.\n\nSigned for the tribunal.');
    const r = await runCli(['report', dir, '--declaration', join(work, 'decl.txt'), '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const decl = pageWith(pages(out.report), '11 Declaration');
    expect(decl).toContain('I confirm that I have made clear which facts are within my own knowledge.');
    expect(decl).not.toContain('my duty is to the court');
    expect(flat(decl)).toContain(flat(`SHA-256 fingerprint ${out.signer.fingerprint}`));
  });

  it('records another examiner as a statement and does not let them declare the intake as theirs', async () => {
    const r = await runCli(['report', dir, '--examiner', 'Fox Mulder', '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const file = readdirSync(join(dir, 'statements')).find((f) => f.endsWith('-examiner.json'))!;
    expect(JSON.parse(readFileSync(join(dir, 'statements', file), 'utf8'))).toEqual({ name: 'Fox Mulder', organisation: null, role: null });
    const decl = flat(pageWith(pages(JSON.parse(r.stdout).report), '11 Declaration'));
    expect(decl).toContain(flat('I, Fox Mulder, declare that:'));
    expect(decl).toContain(flat('Dana Scully (as recorded in acquisition.json and the custody log) imported the files'));
    // Dana's declaration and conclusions are hers: never printed under Fox Mulder's name.
    expect(decl).toContain(flat('my duty is to the court'));
    const all = pages(JSON.parse(r.stdout).report).join('\n');
    const s10 = flat(all.slice(all.indexOf("10 Examiner's instructions"), all.indexOf('11 Declaration')));
    expect(s10).toContain(flat('The examiner recorded no conclusions.'));
    expect(s10).not.toContain(flat('Revised: srss.exe'));
    expect(s10).toContain(flat("another examiner's"));
  });

  it('refuses unreadable statements with one line and exit 2, before anything is written', async () => {
    const before = readCustody(dir).length;
    const missing = await runCli(['report', dir, '--notes', join(work, 'nope.txt')], { env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`netcustody: error: --notes ${join(work, 'nope.txt')}: no such file`);
    writeFileSync(join(work, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const latin1 = await runCli(['report', dir, '--conclusions', join(work, 'latin1.txt')], { env });
    expect(latin1.exitCode).toBe(2);
    expect(latin1.stderr).toContain('latin1.txt: not UTF-8 text');
    const typo = await runCli(['report', dir, '--scope', 'scope-v2.txt'], { env });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('--scope scope-v2.txt: no such file');
    writeFileSync(join(work, 'case.json'), JSON.stringify({ examiner: 'X', rol: 'typo' }));
    const badCase = await runCli(['report', dir, '--case-file', join(work, 'case.json')], { env });
    expect(badCase.exitCode).toBe(2);
    expect(badCase.stderr).toContain('unknown key "rol"');
    expect(missing.stderr + latin1.stderr + typo.stderr + badCase.stderr).not.toMatch(/\n\s+at /);
    expect(readCustody(dir).length).toBe(before);
    expect(existsSync(join(dir, 'statements/05-conclusions.txt'))).toBe(false);
  });

  it('refuses a statement file that is not in the custody log or was changed after it was recorded', async () => {
    const planted = join(dir, 'statements', '99-conclusions.txt');
    writeFileSync(planted, 'Planted conclusion.');
    const r = await runCli(['report', dir], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`netcustody: error: ${planted}: not recorded in the custody log; refusing to print it as the examiner's statement`);
    execFileSync('rm', [planted]);
    const notes = join(dir, 'statements', '02-notes.txt');
    writeFileSync(notes, 'Edited afterwards.');
    const edited = await runCli(['report', dir], { env });
    expect(edited.exitCode).toBe(1);
    expect(edited.stderr).toContain(`${notes}: changed since it was recorded`);
  });
});
