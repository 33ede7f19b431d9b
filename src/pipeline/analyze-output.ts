// What analyze writes, and how: parsed/*, analysis.json, finding-marks.json, leads.json and
// findings.json published together (folder.ts publishFiles: temp files hashed while written, each
// flushed on the thread pool while the next is written, renamed once all are on disk, one directory
// flush per folder), then one custody event per file with the hash taken on the way.
// Large arrays are compact JSON, one record per line (jq reads them as before).
import type { AnalysisOutput } from '../analyze/index.js';
import { appendCustodyEvents, type CustodyInput } from '../evidence/custody.js';
import { PATHS, publishFiles, type OutputFile, type PublishedFile } from '../evidence/folder.js';
import { writeRecordLines } from '../evidence/record-defaults.js';
import { computeFindingDefaults, findingGroup, leadGroup, stripperOf, stripShared } from '../evidence/finding-defaults.js';
import { parsedOutputs, type ParsedEvidence } from '../parse/evidence.js';

export interface AnalysisFilesOptions {
  withheld: boolean;
  /** Details of the "findings written" custody event (allow-list, baseline …). */
  findingsDetails: Record<string, unknown>;
}

const records = (list: readonly unknown[], map?: (r: unknown) => unknown) => (write: (piece: string) => void) => writeRecordLines(list, write, map);
const json = (value: unknown) => (write: (piece: string) => void) => write(`${JSON.stringify(value)}\n`);

/** The analysis files: findings, leads, the per-process/route analysis and the rows findings mark. */
function analysisOutputs(output: AnalysisOutput, withheld: boolean): OutputFile[] {
  // Only the rows findings point at are annotated (analyze() with annotate: 'marked'): every socket
  // is in parsed/connections.json, and a second copy of each was most of the bytes analyze wrote.
  const marked = <T extends { findingIds: string[] }>(list: T[]) => (withheld ? [] : list.filter((a) => a.findingIds.length > 0));
  const analysis = withheld
    ? { withheld: 'classroom exercise: findings are in the instructor key' }
    : {
        // Process views of the processes findings name (a busy Windows host has 35,000 PIDs); the
        // others are in parsed/processes.json and the connections' pid/process fields.
        processes: marked(output.processes),
        processesWithoutFindings: output.summary.processes - marked(output.processes).length,
        // The rows findings point at are in finding-marks.json (source line → finding ids).
        routeAnnotations: output.routeAnnotations,
        summary: output.summary,
      };
  // Text thousands of findings or leads share is written once (finding-defaults.json; the loader puts it back).
  const findings = withheld ? [] : output.findings;
  const leads = withheld ? [] : output.leads;
  const shared = computeFindingDefaults(findings, leads);
  const strip = { findings: stripperOf(shared.findings), leads: stripperOf(shared.leads) };
  type Rec = Record<string, unknown>;
  return [
    { rel: PATHS.analysis, produce: json(analysis) },
    {
      rel: PATHS.findingMarks,
      produce: json({
        connections: marked(output.connectionAnnotations).map((a) => ({ source: a.source, findingIds: a.findingIds })),
        routes: marked(output.routeAnnotations).map((a) => ({ source: a.source, findingIds: a.findingIds })),
      }),
    },
    { rel: PATHS.findingDefaults, produce: json(shared) },
    { rel: PATHS.leads, produce: records(leads, (l) => stripShared(l as object, leadGroup(l as Rec), strip.leads)) },
    { rel: PATHS.findings, produce: records(findings, (f) => stripShared(f as object, findingGroup(f as Rec), strip.findings)) },
  ];
}

/** Write parsed/ and the analysis files, then log each in the custody log (one append, one flush). */
export async function writeAnalyzeFiles(dir: string, actor: string, parsed: ParsedEvidence, output: AnalysisOutput, options: AnalysisFilesOptions): Promise<PublishedFile[]> {
  const published = await publishFiles(dir, [...parsedOutputs(parsed), ...analysisOutputs(output, options.withheld)]);
  const events: CustodyInput[] = published.map((p) => ({ actor, object: p.rel, sha256: p.sha256, ...eventOf(p.rel, output, options) }));
  appendCustodyEvents(dir, events);
  return published;
}

function eventOf(rel: string, output: AnalysisOutput, options: AnalysisFilesOptions): Pick<CustodyInput, 'action' | 'details'> {
  switch (rel) {
    case PATHS.analysis:
      return { action: 'analysis written' };
    case PATHS.findingMarks:
      return { action: 'finding marks written' };
    case PATHS.findingDefaults:
      return { action: 'finding defaults written' };
    case PATHS.leads:
      return { action: 'leads written', details: { leads: options.withheld ? 0 : output.leads.length } };
    case PATHS.findings:
      return { action: 'findings written', details: { findings: output.findings.length, ...options.findingsDetails } };
    default:
      return { action: 'parsed output written' };
  }
}
