// `run --ssh …`: collect every target, then analyse, report and bundle each collected host here on
// the workstation (one bundle per host), one host after the other (one Chromium at a time).
import type { CollectOptions } from '../collect/index.js';
import type { PipelineOptions, PipelineResult } from '../pipeline/run.js';
import type { Progress } from '../pipeline/progress.js';
import { EXIT, printJson, terminalSafe } from './common.js';
import { withInterrupts } from './collect.js';
import { fleetJson, reportFleet } from './fleet-output.js';
import type { SshRequest } from './ssh-options.js';

export async function runFleet(ssh: SshRequest, opts: { json?: boolean; quiet?: boolean }, progress: Progress, o: { collect: Omit<CollectOptions, 'log' | 'signal'>; pipeline: PipelineOptions }): Promise<number> {
  const { collectFleet } = await import('../collect/ssh/fleet.js');
  const { processEvidence } = await import('../pipeline/run.js');
  const fleet = await progress.stage('collect over SSH', () => withInterrupts((signal) => collectFleet({ ...ssh, ...o.collect, signal, log: progress.info })));
  reportFleet(fleet, progress.info);
  const processed = new Map<string, PipelineResult | string>();
  for (const h of fleet.hosts) {
    if (!h.evidenceDir || h.status === 'interrupted') continue;
    try {
      progress.info(`${h.target}: analyse, report, bundle`);
      processed.set(h.target, await processEvidence(h.evidenceDir, o.pipeline, progress));
    } catch (err) {
      processed.set(h.target, (err as Error).message);
      progress.info(`FAILED: ${h.target}: ${(err as Error).message}`);
    }
  }
  const json = fleetJson(fleet) as { hosts: Record<string, unknown>[] };
  json.hosts = json.hosts.map((h) => {
    const p = processed.get(h.target as string);
    if (!p) return { ...h, bundle: null, report: null };
    if (typeof p === 'string') return { ...h, status: 'failed', error: [h.error, `after collection: ${p}`].filter(Boolean).join('; '), bundle: null, report: null };
    return { ...h, bundle: p.bundle.zipPath, bundleSha256: p.bundle.sha256, report: p.report.pdf, counts: p.counts, findings: p.severities, leads: p.analysis.leads };
  });
  if (opts.json) printJson(json);
  else if (!opts.quiet) {
    for (const h of json.hosts) process.stderr.write(`${terminalSafe(String(h.target))}: ${h.status}${h.bundle ? `  bundle ${terminalSafe(String(h.bundle))}` : ''}${h.error ? `  (${terminalSafe(String(h.error))})` : ''}\n`);
  }
  if (fleet.hosts.some((h) => h.status === 'interrupted')) return EXIT.interrupted;
  return json.hosts.every((h) => h.status === 'ok') ? EXIT.ok : EXIT.error;
}
