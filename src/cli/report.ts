import { Command, Option } from 'commander';
import { makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { examinerOptions, resolveExaminer, statementOptions, statementTexts } from './examiner.js';
import { stampLine, tsaOptions, tsaSettings } from './tsa-options.js';

export function signingOptions(cmd: Command): Command {
  return cmd
    .option('--p12 <file>', "examiner's PKCS#12 (key + certificate) to sign with; default: a per-user self-signed certificate")
    .option('--p12-pass-env <var>', 'environment variable holding the PKCS#12 passphrase (else a hidden prompt)', 'NETCUSTODY_P12_PASSPHRASE');
}

/** Only for the stages that re-sign an existing folder (report, bundle), not for a new capture. */
export function resignOptions(cmd: Command): Command {
  return cmd.option('--allow-expired-cert', 'sign with an expired certificate, to re-sign old evidence only (recorded in custody; verify reports the expiry)');
}

export function reportOptions(cmd: Command): Command {
  return cmd
    .option('--template <dir>', "a lab's own template folder (report.hbs, partials/, report.css)")
    .addOption(new Option('--paper <size>', 'paper size').choices(['a4', 'letter']).default('a4'));
}

export function reportCommand(): Command {
  const cmd = new Command('report')
    .description('render report/report.html and the signed report/report.pdf of an analysed evidence folder')
    .argument('<dir>', 'evidence folder (after analyze)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody report output/2026-041/ws042_20261128T101500Z
  NETCUSTODY_P12_PASSPHRASE=… netcustody report DIR --p12 examiner.p12 --paper letter
  netcustody report DIR --template ./lab-template
  netcustody report DIR --scope instructions.txt --notes notes.txt --conclusions conclusions.txt

The examiner, organisation and role recorded in the folder are used unless --examiner, --organisation,
--role or --case-file say otherwise. Statements are kept in the folder (statements/), hashed and logged;
a later report without them reuses the latest ones.
Needs Chrome or Chromium (Debian: apt-get install chromium; or set PUPPETEER_EXECUTABLE_PATH).
Check the signature independently with: pdfsig report/report.pdf`,
    );
  examinerOptions(cmd);
  statementOptions(cmd);
  reportOptions(cmd);
  signingOptions(cmd);
  resignOptions(cmd);
  tsaOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (dir: string, opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const tsa = await tsaSettings(opts);
    // The folder's examiner beats the environment: a report on a colleague's folder stays in their name.
    const who = resolveExaminer(opts, {});
    const statements = statementTexts(opts, who);
    const { buildReport } = await import('../report/index.js');
    const r = await buildReport(dir, {
      templateDir: opts.template,
      paper: opts.paper,
      p12: opts.p12,
      passphraseEnv: opts.p12PassEnv,
      examiner: who.name ?? undefined,
      organisation: who.organisation ?? undefined,
      role: who.role ?? undefined,
      statements,
      allowExpiredCert: opts.allowExpiredCert === true,
      tsa,
    });
    log(`report: ${r.pdf} (${r.pages} pages, sha256 ${r.pdfSha256})`);
    log(`signer: ${r.signer.subject}, SHA-256 ${r.signer.fingerprint}`);
    const stamp = stampLine('the PDF signature', r.timestamp);
    if (stamp && r.timestamp.status !== 'failed') log(stamp);
    for (const w of r.warnings) log(`warning: ${w}`);
    if (opts.json) printJson({ evidenceDir: dir, report: r.pdf, html: r.html, pdfSha256: r.pdfSha256, pages: r.pages, signer: r.signer, timestamp: r.timestamp });
  }));
}
