import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { EXIT, printJson, runAction, withCommonOptions } from './common.js';

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description('check a bundle zip or an evidence folder: hashes, manifest signature, PDF signature, custody chain, recorded hashes')
    .argument('<target>', 'bundle zip or evidence folder')
    .option('--trust <cert>', 'PEM certificate (examiner or CA) you trust for this check; an untrusted signer then fails')
    .option('--tsa-ca <file>', "a time-stamping authority's CA certificate (PEM) trusted for RFC 3161 tokens, besides the pinned ones")
    .option('--require-trust', 'fail (exit 3) when the signer is neither pinned (netcustody trust add) nor --trust')
    .addHelpText(
      'after',
      `
Examples:
  netcustody verify output/2026-041/2026-041_ws042_20261128T101500Z.zip
  netcustody verify bundle.zip --trust examiner-ca.pem --json
  netcustody trust add examiner-cert.pem && netcustody verify bundle.zip --require-trust

Always prints the signer's subject, SHA-256 fingerprint and whether it is trusted (pinned with
\`netcustody trust add\`, or --trust). A self-signed PASS proves the bundle is unchanged since it was
sealed by the holder of that key; only a fingerprint you compared or a CA you trust says who that is.
Exit 0 when every check passes, 3 when any fails (the failing member and check are named).
The same checks with standard tools: unzip, sha256sum -c SHA256SUMS, openssl cms -verify, pdfsig,
and for a trusted timestamp: openssl ts -verify -data SHA256SUMS -in manifest.tsr -CAfile tsa-ca.pem.
Every RFC 3161 token (manifest.tsr, the PDF signature's) is checked: a token over other data, a
broken TSA signature or a TSA that is neither pinned nor --tsa-ca fails (exit 3); none at all passes
and says "no trusted timestamp".`,
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
      if (!/-----BEGIN CERTIFICATE-----/.test(trustCertPem)) throw new EvidenceError(`--trust ${opts.trust}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`, undefined, EXIT.usage);
    }
    // The verifier's own modules, not bundle/index.js: verify never loads the zip writer (archiver).
    const [{ verifyEvidence }, { formatVerifyReport }] = await Promise.all([import('../bundle/verify.js'), import('../bundle/format.js')]);
    const { listTrusted } = await import('../signing/trust-store.js');
    const { tsaCaAnchors } = await import('./tsa-options.js');
    const tsaAnchors = await tsaCaAnchors(opts.tsaCa);
    const report = await verifyEvidence(target, { trustCertPem, trustFile: opts.trust, anchors: listTrusted(), tsaCaPem: tsaAnchors.map((a) => a.pem).join('') || undefined, tsaCaFile: opts.tsaCa, requireTrust: opts.requireTrust === true });
    if (opts.json) printJson(report);
    else process.stdout.write(formatVerifyReport(report));
    return report.ok ? EXIT.ok : EXIT.verifyFailed;
  }));
}
