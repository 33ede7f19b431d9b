import { Command } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { EXIT, makeLog, printJson, runAction, terminalSafe, withCommonOptions } from './common.js';
import { examinerOptions, requireExaminerName, resolveExaminer } from './examiner.js';
import { signingOptions } from './report.js';

export function caseCommand(): Command {
  const cmd = new Command('case')
    .description('join several hosts\' evidence: TCP flows between them, case leads, a diagram, a signed case report and a case bundle')
    .argument('<source...>', 'evidence folders or bundle zips, one per examined host')
    .option('--case <id>', 'case identifier (required; or the case file\'s "case")')
    .option('--out <dir>', 'output root: the case folder is <out>/<case>/<case>_case_<UTC>/', 'output');
  examinerOptions(cmd);
  signingOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  netcustody case output/C1/web_*.zip output/C1/db_*.zip output/C1/file_*.zip --case C1 --examiner "J. Doe"
  netcustody case output/C1/web_20261204T101500Z output/C1/db_20261204T101730Z --case C1 --json

Each bundle is verified first (a failing one is refused, naming the check); each folder is checked
(the full verification when it was sealed). Nothing in the sources is changed. Writes case.json,
case-graph.svg, report/report.pdf (signed), hosts/ (the host bundles, unchanged) and, when every
host has a bundle, the case bundle <case>_case_<UTC>.zip beside the case folder.`,
  );
  withCommonOptions(cmd);
  return cmd.action(async (sources: string[], opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const who = resolveExaminer(opts);
    const caseId = who.caseId;
    if (!caseId) throw new EvidenceError('no case id: give --case ID', undefined, EXIT.usage);
    const examiner = await requireExaminerName(who);
    const { runCase } = await import('../case/index.js');
    const r = await runCase({ sources, caseId, out: opts.out, examiner, organisation: who.organisation, role: who.role, p12: opts.p12, passphraseEnv: opts.p12PassEnv, log });
    for (const w of r.warnings) log(`warning: ${w}`);
    const bothEnds = r.file.flows.filter((f) => f.seen === 'both').length;
    log(`case: ${r.caseDir}`);
    log(`hosts: ${r.file.hosts.length}; flows: ${r.file.flows.length} (${bothEnds} seen from both ends); case leads: ${r.file.leads.length}`);
    for (const l of r.file.leads) log(`  ${l.id} ${l.severity.toUpperCase()} ${terminalSafe(l.summary)}`);
    log(`report: ${r.report}`);
    if (r.bundle) log(`bundle: ${r.bundle}\nsha256: ${r.bundleSha256}`);
    if (opts.json) {
      printJson({
        caseDir: r.caseDir,
        caseJson: r.caseJson,
        report: r.report,
        bundle: r.bundle,
        bundleSha256: r.bundleSha256,
        hosts: r.file.hosts.map((h) => ({ key: h.key, name: h.name, evidenceId: h.evidenceId, addresses: h.addresses.map((a) => a.address), bundle: h.bundle })),
        flows: { total: r.file.flows.length, bothEnds },
        leads: r.file.leads.map((l) => ({ id: l.id, rule: l.rule, severity: l.severity, summary: l.summary, hosts: l.hosts, flows: l.flows, refs: l.refs })),
        ambiguities: r.file.ambiguities,
      });
    }
  }));
}
