import { Command } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { EXIT, makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { tsaOptions, tsaSettings } from './tsa-options.js';

export function timestampCommand(): Command {
  const cmd = new Command('timestamp')
    .description('add an RFC 3161 trusted timestamp (manifest.tsr over SHA256SUMS) to a sealed evidence folder or bundle')
    .argument('<target>', 'bundle zip or evidence folder (after bundle)')
    .option('--actor <name>', 'who is recorded in the custody log (default: the examiner recorded in the folder)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody timestamp output/2026-041/ws042_20261128T101500Z --tsa https://tsa.example/tsr --tsa-ca tsa-ca.pem
  NETCUSTODY_TSA=https://tsa.example/tsr netcustody timestamp output/2026-041/2026-041_ws042_20261128T101500Z.zip

A folder (or a zip whose folder sits beside it): manifest.tsr goes into the folder, the custody log
records when and from which TSA, and a new zip (-2, -3 …) is written; the earlier zip is unchanged.
A zip alone: a new zip beside it with the same members plus manifest.tsr.
The PDF's own signature-time-stamp is added at signing only (report/run --tsa): SHA256SUMS lists the
PDF's hash, so manifest.tsr time-stamps the report too.
Exit codes: 0 token added (or kept), 1 no TSA gave a good token (nothing changed), 2 usage,
3 the zip does not verify.`,
    );
  tsaOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (target: string, opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const tsa = await tsaSettings(opts);
    if (!tsa) throw new EvidenceError('timestamp needs --tsa URL (or $NETCUSTODY_TSA)', undefined, EXIT.usage);
    const { timestampTarget } = await import('../timestamp/stamp-target.js');
    const r = await timestampTarget(target, tsa, opts.actor ?? 'netcustody timestamp');
    log(`timestamp: ${r.status === 'kept' ? 'kept the existing token' : 'added'}: TSA time ${r.record.genTime} by ${r.record.tsa ?? 'unknown'}${r.record.tsaUrl ? ` (${r.record.tsaUrl})` : ''}`);
    log(`bundle: ${r.zipPath}`);
    log(`sha256: ${r.sha256}`);
    if (r.note) log(`note: ${r.note}`);
    if (opts.json) printJson({ evidenceDir: r.evidenceDir, bundle: r.zipPath, sha256: r.sha256, timestamp: { status: r.status, ...r.record }, note: r.note });
  }));
}
