import { Command } from 'commander';
import { defaultExaminer, makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { findingsTable } from './findings-table.js';
import { EvidenceError } from '../evidence/errors.js';

export function analyzeCommand(): Command {
  const cmd = new Command('analyze')
    .description('parse every raw artifact of an evidence folder and annotate connections, processes and routes (findings.json)')
    .argument('<dir>', 'evidence folder made by collect or import')
    .option('--baseline <dir|zip>', 'earlier capture of the same host: report new/gone listeners, new processes, changed routes')
    .option('--allow <file>', 'allow-list of known-good entries that lower or suppress named rules (JSON)')
    .option('--examiner <name>', 'who runs the analysis (custody log)')
    .option('--hashset <file:kind>', 'hash set of executables, FILE:known-bad or FILE:known-good (lines "sha256 [name]" or CSV with a SHA-256 column); repeatable', collectList, [])
    .option('--known-bad <file>', 'same as --hashset FILE:known-bad; repeatable', collectList, [])
    .option('--known-good <file>', 'same as --hashset FILE:known-good; repeatable', collectList, [])
    .addHelpText(
      'after',
      `
Examples:
  netcustody analyze output/2026-041/ws042_20261128T101500Z
  netcustody analyze DIR --baseline output/2026-041/ws042_20261101T090000Z --allow lab-allow.json --json
  netcustody analyze DIR --known-bad ioc-sha256.txt --hashset vendor-hashes.csv:known-good

Writes parsed/connections.json, parsed/routes.json (+ routes.csv), parsed/parse-report.json, findings.json and leads.json (one lead per process, route or remote peer).`,
    );
  withCommonOptions(cmd);
  return cmd.action(async (dir: string, opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const { analyzeStage } = await import('../pipeline/analyze.js');
    const r = await analyzeStage(dir, { actor: opts.examiner ?? defaultExaminer(), baseline: opts.baseline, allow: opts.allow, hashSets: hashSetsOf(opts), log });
    log(`${r.counts.connections} connections, ${r.counts.routes} routes, ${r.counts.unparsedLines} unparsed lines`);
    if (!opts.quiet && !opts.json) process.stderr.write(findingsTable(r.output.findings, { limit: opts.verbose ? 200 : 15, connections: r.parsed.connections, routes: r.parsed.routes }));
    if (opts.json) printJson({ evidenceDir: dir, counts: r.counts, findings: r.findings, leads: r.leads });
  }));
}

/** `--hashset FILE:known-bad` / `FILE:known-good` → path and kind; a usage error otherwise. */
export function parseHashSetArg(arg: string): { path: string; kind: 'known-good' | 'known-bad' } {
  const m = /^(.+):(known-good|known-bad)$/.exec(arg);
  if (!m) throw new EvidenceError(`--hashset ${arg}: say what the set is: --hashset FILE:known-bad or FILE:known-good (or use --known-bad FILE / --known-good FILE)`, undefined, 2);
  return { path: m[1] as string, kind: m[2] as 'known-good' | 'known-bad' };
}

export function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --hashset / --known-bad / --known-good → the sets in the order given. */
export function hashSetsOf(opts: { hashset?: string[]; knownBad?: string[]; knownGood?: string[] }): { path: string; kind: 'known-good' | 'known-bad' }[] {
  return [
    ...(opts.hashset ?? []).map(parseHashSetArg),
    ...(opts.knownBad ?? []).map((path) => ({ path, kind: 'known-bad' as const })),
    ...(opts.knownGood ?? []).map((path) => ({ path, kind: 'known-good' as const })),
  ];
}

/** The same options on run. */
export function hashSetOptions(cmd: Command): Command {
  return cmd
    .option('--hashset <file:kind>', 'hash set of executables, FILE:known-bad or FILE:known-good; repeatable', collectList, [])
    .option('--known-bad <file>', 'same as --hashset FILE:known-bad; repeatable', collectList, [])
    .option('--known-good <file>', 'same as --hashset FILE:known-good; repeatable', collectList, []);
}
