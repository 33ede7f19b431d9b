import { Command } from 'commander';
import { makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { resignOptions, signingOptions } from './report.js';
import { stampLine, tsaOptions, tsaSettings } from './tsa-options.js';

export function bundleCommand(): Command {
  const cmd = new Command('bundle')
    .description('seal an evidence folder (SHA256SUMS, manifest, detached signature) into one deterministic zip')
    .argument('<dir>', 'evidence folder (after report)')
    .option('--out <dir>', 'folder for the zip (default: the case folder above the evidence folder)')
    .option('--examiner <name>', 'who seals the bundle (default: the examiner recorded in the folder, who signed the report)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody bundle output/2026-041/ws042_20261128T101500Z
  netcustody bundle DIR --p12 examiner.p12 --out /media/archive

Writes <case>_<host>_<UTC>.zip and <zip>.sha256; never overwrites an existing bundle.`,
    );
  signingOptions(cmd);
  resignOptions(cmd);
  tsaOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (dir: string, opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const tsa = await tsaSettings(opts);
    const { createBundle } = await import('../bundle/index.js');
    const r = await createBundle(dir, { outDir: opts.out, p12: opts.p12, passphraseEnv: opts.p12PassEnv, examiner: opts.examiner, allowExpiredCert: opts.allowExpiredCert === true, tsa });
    log(`bundle: ${r.zipPath}`);
    log(`sha256: ${r.sha256}  (${r.sha256Path})`);
    log(`signer: ${r.signer.subject}, SHA-256 ${r.signer.fingerprint}`);
    if (r.signer.selfSigned) log(`warning: manifest signed with a SELF-SIGNED examiner certificate (${r.signer.subject})`);
    if (r.signer.expiredAllowed) log(`warning: ${r.signer.expiredAllowed}`);
    const stamp = stampLine('manifest.tsr (SHA256SUMS)', r.timestamp);
    if (stamp) log(stamp);
    if (opts.json) printJson({ evidenceDir: dir, bundle: r.zipPath, sha256: r.sha256, members: r.members, bytes: r.bytes, signer: r.signer, timestamp: r.timestamp });
  }));
}
