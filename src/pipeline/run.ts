import { collect, type CollectOptions } from '../collect/index.js';
import type { BundleResult } from '../bundle/index.js';
import { EvidenceError } from '../evidence/folder.js';
import type { StatementsInput } from '../evidence/statements.js';
import type { Finding, Severity } from '../model.js';
import type { ReportResult } from '../report/index.js';
import type { PrintBrowser } from '../report/browser.js';
import type { AnalyzeStageResult } from './analyze.js';
import type { Progress } from './progress.js';
import type { TsaSettings } from '../timestamp/client.js';

export interface PipelineOptions {
  examiner: string;
  organisation?: string | null;
  role?: string | null;
  /** The examiner's scope, notes, conclusions and declaration (recorded in the folder by the report stage). */
  statements?: StatementsInput;
  baseline?: string | null;
  allow?: string | null;
  /** Hash sets for the analysis (issue 18). */
  hashSets?: { path: string; kind: 'known-good' | 'known-bad' }[];
  template?: string | null;
  paper?: 'a4' | 'letter';
  p12?: string | null;
  passphraseEnv?: string;
  bundleOut?: string | null;
  /** Classroom exercise: the report and findings.json leave the findings out (instructor key has them). */
  omitFindings?: boolean;
  /** RFC 3161 TSAs for the PDF signature and manifest.tsr (--tsa). */
  tsa?: TsaSettings | null;
  /** Ctrl-C / SIGTERM after the capture: the stage running ends (its outputs stay whole), no later one starts. */
  signal?: AbortSignal;
}

export interface PipelineResult {
  evidenceDir: string;
  analysis: AnalyzeStageResult;
  report: ReportResult;
  bundle: BundleResult;
  findings: Finding[];
  counts: AnalyzeStageResult['counts'];
  severities: Record<Severity, number>;
  durations: Record<string, number>;
}

/**
 * analyze → report → bundle on an evidence folder made by collect or import. The print browser is
 * launched first, so its start-up overlaps analyze and the HTML rendering, and it closes while the
 * bundle is sealed. Callers that collect call this only after the last capture command has ended:
 * the examiner's browser must never appear in the examined host's socket tables.
 */
export async function processEvidence(dir: string, options: PipelineOptions, progress: Progress): Promise<PipelineResult> {
  // Loaded here, not at start-up: `run` captures the host before it loads the report and zip libraries.
  const { spawnPrintBrowser } = await import('../report/browser.js');
  const { launching } = await spawnPrintBrowser();
  // A launch that fails is reported by the report stage (its error and hint), not as an unhandled rejection.
  launching.catch(() => undefined);
  let closing: Promise<void> | null = null;
  try {
    const [{ analyzeStage }, { buildReport }] = await Promise.all([import('./analyze.js'), import('../report/index.js')]);
    const analysis = await progress.stage('analyze', () =>
      analyzeStage(dir, { actor: options.examiner, baseline: options.baseline, allow: options.allow, hashSets: options.hashSets, log: progress.info, withholdFindings: options.omitFindings }),
    );
    stopIfInterrupted(options.signal, dir, 'the capture and its analysis', ['report', 'bundle']);
    // The zip writer (~0.2 s of module loading) loads once the page is sent to print, while Node waits
    // for Chromium: earlier, it would compete with the HTML rendering and Puppeteer's set-up for the
    // main thread, and those decide when printing can start. `reported` covers a print never signalled.
    let reported: () => void = () => undefined;
    const bundleModule = Promise.race([launching.then((b) => b.printStarted), new Promise<void>((resolve) => (reported = resolve))]).then(() => import('../bundle/index.js'));
    bundleModule.catch(() => undefined);
    const report = await progress.stage('report', () =>
      buildReport(dir, {
        templateDir: options.template ?? undefined,
        paper: options.paper ?? 'a4',
        p12: options.p12 ?? undefined,
        passphraseEnv: options.passphraseEnv,
        examiner: options.examiner,
        organisation: options.organisation ?? undefined,
        role: options.role ?? undefined,
        statements: options.statements,
        omitFindings: options.omitFindings,
        tsa: options.tsa,
        browser: launching,
      }),
    );
    reported();
    closing = closeBrowser(launching);
    stopIfInterrupted(options.signal, dir, 'the capture, its analysis and the signed report', ['bundle']);
    const { createBundle } = await bundleModule;
    const bundle = await progress.stage('bundle', () =>
      createBundle(dir, { outDir: options.bundleOut ?? undefined, p12: options.p12 ?? undefined, passphraseEnv: options.passphraseEnv, examiner: options.examiner, actor: options.examiner, tsa: options.tsa }),
    );
    return {
      evidenceDir: dir,
      analysis,
      report,
      bundle,
      findings: analysis.output.findings,
      counts: analysis.counts,
      severities: analysis.findings,
      durations: progress.durations,
    };
  } finally {
    // Whatever happened, the browser ends (and its temporary profile is removed) before we return.
    await (closing ?? closeBrowser(launching));
  }
}

/** An interrupt seen between stages: what the folder holds is whole; the stages not run are named. */
function stopIfInterrupted(signal: AbortSignal | undefined, dir: string, holds: string, notRun: string[]): void {
  if (!signal?.aborted) return;
  throw new EvidenceError(`interrupted after the capture; ${dir} holds ${holds}`, `finish later with: ${notRun.map((stage) => `netcustody ${stage} ${dir}`).join(' && ')}`, 130);
}

async function closeBrowser(launching: Promise<PrintBrowser>): Promise<void> {
  const browser = await launching.catch(() => null);
  await browser?.close();
}

/** `run`: collect this host, then analyze → report → bundle. */
export async function runPipeline(collectOptions: CollectOptions, options: PipelineOptions, progress: Progress): Promise<PipelineResult & { interrupted: boolean }> {
  const collected = await progress.stage('collect', () => collect({ ...collectOptions, log: progress.info }));
  const w = collected.acquisition.captureWindow;
  if (w) progress.info(`capture window ${w.durationMs.toFixed(1)} ms (${w.start} → ${w.end})`);
  if (collected.failure) {
    // A full disk: analysing and sealing an incomplete collection on the same disk would fail too.
    throw new EvidenceError(`${collected.failure}; what was written is kept and recorded in ${collected.dir}`, 'free some space and run again (a new evidence folder is made)');
  }
  if (collected.interrupted) {
    throw new EvidenceError(`collection interrupted; what was captured is kept in ${collected.dir}`, `finish later with: netcustody analyze ${collected.dir}`, 130);
  }
  const result = await processEvidence(collected.dir, { ...options, signal: collectOptions.signal }, progress);
  return { ...result, interrupted: false };
}
