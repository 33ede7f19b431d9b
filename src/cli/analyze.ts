import { Command } from 'commander';
import { defaultExaminer, makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { findingsTable } from './findings-table.js';

export function analyzeCommand(): Command {
  const cmd = new Command('analyze')
    .description('parse every raw artifact of an evidence folder and annotate connections, processes and routes (findings.json)')
    .argument('<dir>', 'evidence folder made by collect or import')
    .option('--baseline <dir|zip>', 'earlier capture of the same host: report new/gone listeners, new processes, changed routes')
    .option('--allow <file>', 'allow-list of known-good entries that lower or suppress named rules (JSON)')
    .option('--examiner <name>', 'who runs the analysis (custody log)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody analyze output/2026-041/ws042_20261128T101500Z
  netcustody analyze DIR --baseline output/2026-041/ws042_20261101T090000Z --allow lab-allow.json --json

Writes parsed/connections.json, parsed/routes.json (+ routes.csv), parsed/parse-report.json, findings.json and leads.json (one lead per process, route or remote peer).`,
    );
  withCommonOptions(cmd);
  return cmd.action(async (dir: string, opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const { analyzeStage } = await import('../pipeline/analyze.js');
    const r = await analyzeStage(dir, { actor: opts.examiner ?? defaultExaminer(), baseline: opts.baseline, allow: opts.allow, log });
    log(`${r.counts.connections} connections, ${r.counts.routes} routes, ${r.counts.unparsedLines} unparsed lines`);
    if (!opts.quiet && !opts.json) process.stderr.write(findingsTable(r.output.findings, { limit: opts.verbose ? 200 : 15, connections: r.parsed.connections, routes: r.parsed.routes }));
    if (opts.json) printJson({ evidenceDir: dir, counts: r.counts, findings: r.findings, leads: r.leads });
  }));
}
