import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { EXIT, printJson, runAction, withCommonOptions } from './common.js';

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description('check a bundle zip or an evidence folder: hashes, manifest signature, PDF signature, custody chain, recorded hashes')
    .argument('<target>', 'bundle zip or evidence folder')
    .option('--trust <cert>', 'PEM certificate you trust for the examiner signature (else only the included certificate is used)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody verify output/2026-041/2026-041_ws042_20261128T101500Z.zip
  netcustody verify bundle.zip --trust examiner-ca.pem --json

Exit 0 when every check passes, 3 when any fails (the failing member and check are named).
The same checks with standard tools: unzip, sha256sum -c SHA256SUMS, openssl cms -verify, pdfsig.`,
    );
  withCommonOptions(cmd);
  return cmd.action(async (target: string, opts) => runAction(opts, async () => {
    let trustCertPem: string | undefined;
    if (opts.trust) {
      try {
        trustCertPem = readFileSync(opts.trust, 'utf8');
      } catch (err) {
        throw new EvidenceError(`--trust ${opts.trust}: ${(err as Error).message}`, undefined, EXIT.usage);
      }
    }
    const { formatVerifyReport, verifyEvidence } = await import('../bundle/index.js');
    const report = await verifyEvidence(target, { trustCertPem });
    if (opts.json) printJson(report);
    else process.stdout.write(formatVerifyReport(report));
    return report.ok ? EXIT.ok : EXIT.verifyFailed;
  }));
}
