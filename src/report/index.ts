// `netcustody report DIR`: evidence folder → report/report.html → report/report.pdf (signed). The
// pair is published together under the folder's lock and logged as one custody event.
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendCustody } from '../evidence/custody.js';
import { sha256Hex } from '../evidence/files.js';
import { withEvidenceFolder } from '../evidence/session.js';
import { EvidenceError, PATHS, compactUtc, readAcquisition } from '../evidence/folder.js';
import { mergeIdentity, readStatements, recordedExaminer, recordStatements, type StatementsInput } from '../evidence/statements.js';
import { loadIdentity, type SigningIdentity } from '../signing/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { spawnPrintBrowser, type PrintBrowser } from './browser.js';
import { loadReportInput, type ReportInput } from './input.js';
import { htmlToPdf, openPrintTab, type Paper } from './pdf-render.js';
import { signPdfStamped } from './pdf-sign.js';
import { partLimit, printInParts, splitHtml } from './print-parts.js';
import { requestTimestamp, type TsaSettings } from '../timestamp/client.js';
import { recordOf, type TimestampRecord } from '../timestamp/seal-token.js';
import { countPages } from './pdf-pages.js';
import { publishPair, publishedDetails } from './publish.js';
import { assertReportId, markHtml, pdfReason } from './report-id.js';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from './templates.js';
import { buildView } from './view-model.js';
import { cachedPackageIdentity } from './tool-identity.js';

export { verifyPdfSignature, type PdfSignatureCheck } from './pdf-verify.js';
export { visible } from './visible.js';
export { launchPrintBrowser, resolveBrowser, type PrintBrowser } from './browser.js';

export interface ReportOptions {
  templateDir?: string;
  paper?: Paper;
  p12?: string;
  passphraseEnv?: string;
  /** Sign with an expired certificate (re-signing old evidence; recorded in custody). */
  allowExpiredCert?: boolean;
  /** Override the examiner recorded in the folder (a different name does not inherit its organisation or role). */
  examiner?: string;
  organisation?: string;
  role?: string;
  /** The examiner's scope, notes, conclusions, declaration: recorded in statements/ before rendering. */
  statements?: StatementsInput;
  reportId?: string;
  /** Raw outputs larger than this are shown in part in the appendix (default 64 KiB per file). */
  rawAppendixLimitBytes?: number;
  now?: Date;
  /** Folder of the self-signed examiner identity (default: see defaultConfigDir). */
  configDir?: string;
  /** Reuse a running browser, or one being launched (run starts it while analyze runs); the caller closes it. Otherwise one is started and closed. */
  browser?: PrintBrowser | Promise<PrintBrowser>;
  /** Custody log actor; default "<examiner> (netcustody <version>)". */
  actor?: string;
  /** Force tagged PDF on or off; default: tagged when the report has at most TAGGED_MAX_ROWS table rows. */
  tagged?: boolean;
  /** Classroom exercise: the findings section says the analysis is left to the students. */
  omitFindings?: boolean;
  /** Most connection rows printed (default MAX_CONNECTION_ROWS); the rest stay in parsed/. */
  maxConnectionRows?: number;
  /** Most findings printed in full beyond the critical and high ones (default MAX_FINDING_DETAILS). */
  maxFindingDetails?: number;
  /** TSAs for an RFC 3161 token over the PDF signature (--tsa); a failure leaves the report signed without it. */
  tsa?: TsaSettings | null;
}

export interface ReportResult {
  html: string;
  pdf: string;
  htmlSha256: string;
  pdfSha256: string;
  pages: number;
  bytes: number;
  reportId: string;
  tagged: boolean;
  /** Requests the page tried to make; all were aborted. Should be empty. */
  blockedRequests: string[];
  signer: { subject: string; selfSigned: boolean; certPath?: string; fingerprint: string; source: string };
  /** For the terminal: e.g. that the signature is self-signed. */
  warnings: string[];
  durations: { loadMs: number; htmlMs: number; pdfMs: number; signMs: number; totalMs: number };
  /** The signature-time-stamp token: added (what the TSA said), failed (why), or none asked for. */
  timestamp: { status: 'added' | 'failed' | 'none'; record: TimestampRecord | null; reason: string | null };
}

export const DEFAULT_APPENDIX_LIMIT = 64 * 1024;
/**
 * Tagged (accessible) PDF up to this many table rows. Tagging makes Chromium build a structure tree
 * for every cell: on this machine it roughly doubles print time and PDF size for 10,000 rows.
 */
export const TAGGED_MAX_ROWS = 3000;

export function defaultReportId(input: ReportInput, now: Date): string {
  const tag = createHash('sha256').update(`${input.acquisition.evidenceId}|${now.toISOString()}`).digest('hex').slice(0, 6).toUpperCase();
  return `NCR-${compactUtc(now)}-${tag}`;
}

function tableRows(input: ReportInput, appendixLines: number): number {
  return input.connections.length + input.routes.length + input.custody.length + appendixLines;
}

/**
 * A capture that was never analysed has no parsed tables and no findings: its report would say "0
 * sockets" and "no lead" about a host whose raw output may show many. Refused before anything is written.
 */
function assertAnalysed(dir: string): void {
  if (existsSync(join(dir, PATHS.findings)) || existsSync(join(dir, PATHS.parseReport))) return;
  throw new EvidenceError(
    `${dir}: not analysed yet (no ${PATHS.findings}, no ${PATHS.parseReport}); a report now would show no sockets and no leads for what the raw output holds`,
    `run \`netcustody analyze ${dir}\` first (or \`netcustody run\`, which does both)`,
    2, // as \`case\` refuses an unanalysed host folder: the stages were run out of order
  );
}

/** The draft with the browser's version in place of the slot, or null when a plain substitution would not be exact. */
function fillVersion<T extends { view: { tool: { chromium: string } }; html: string }>(draft: T, slot: string, version: string): T | null {
  if (!/^[\w./ ()-]+$/.test(version) || !draft.html.includes(slot) || draft.view.tool.chromium !== slot) return null;
  draft.view.tool.chromium = version;
  return { ...draft, html: draft.html.split(slot).join(version) };
}

export async function buildReport(dir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const lockActor = options.actor ?? options.examiner ?? TOOL_NAME;
  return withEvidenceFolder(dir, 'report', { actor: lockActor }, (folder) => buildReportLocked(folder, options));
}

async function buildReportLocked(dir: string, options: ReportOptions): Promise<ReportResult> {
  const t0 = performance.now();
  // Chromium starts (~1 s) while Node reads the folder; the view waits for it (it names its version).
  const launching = options.browser ? Promise.resolve(options.browser) : (await spawnPrintBrowser()).launching;
  launching.catch(() => undefined); // awaited below; a failed launch must not be an unhandled rejection
  let closing: Promise<void> | null = null;
  const closeOwn = (): Promise<void> => {
    if (options.browser) return Promise.resolve();
    closing ??= launching.then((b) => b.close(), () => undefined);
    return closing;
  };
  try {
    return await buildWith(dir, options, t0, launching, closeOwn);
  } finally {
    await closeOwn();
  }
}

async function buildWith(dir: string, options: ReportOptions, t0: number, launching: Promise<PrintBrowser>, closeOwn: () => Promise<void>): Promise<ReportResult> {
  const now = options.now ?? new Date();
  // The examiner's statements go into the folder (and custody) first, so the report shows them logged.
  const acquisition = readAcquisition(dir);
  assertAnalysed(dir);
  const who = mergeIdentity(recordedExaminer(dir, acquisition), { name: options.examiner, organisation: options.organisation, role: options.role });
  const examiner = who.name;
  const organisation = who.organisation;
  const actor = options.actor ?? `${examiner} (${TOOL_NAME} ${TOOL_VERSION})`;
  recordStatements(dir, acquisition, who, options.statements ?? {}, actor);
  const input = loadReportInput(dir);
  const statements = readStatements(dir, input.acquisition);
  const identity: SigningIdentity = await loadIdentity({ p12: options.p12, passphraseEnv: options.passphraseEnv, examiner, organisation, configDir: options.configDir, allowExpiredCert: options.allowExpiredCert });
  const cert = new X509Certificate(identity.certPem);
  const fingerprint = cert.fingerprint256.replace(/:/g, '').toLowerCase();
  const reportId = options.reportId ?? defaultReportId(input, now);
  assertReportId(reportId);
  const paper: Paper = options.paper ?? 'a4';
  const t1 = performance.now();

  const templates = loadTemplates(options.templateDir ?? DEFAULT_TEMPLATE_DIR);
  // The first tab opens (0.2-0.4 s) as soon as the browser runs, while Node renders the html.
  const firstTab = launching.then((b) => openPrintTab(b));
  firstTab.catch(() => undefined);
  const render = (chromium: string) => {
    const view = buildView(input, {
      reportId,
      generated: now,
      paper,
      examiner,
      organisation,
      signer: { subject: identity.subject, selfSigned: identity.selfSigned, fingerprint, source: identity.source },
      appendixLimitBytes: options.rawAppendixLimitBytes ?? DEFAULT_APPENDIX_LIMIT,
      findingsWithheld: options.omitFindings === true,
      maxConnectionRows: options.maxConnectionRows,
      maxFindingDetails: options.maxFindingDetails,
      statements,
      tsaUrls: options.tsa?.urls ?? [],
      tool: { package: cachedPackageIdentity(), node: process.version, chromium, template: templates.dir, defaultTemplate: options.templateDir === undefined || options.templateDir === DEFAULT_TEMPLATE_DIR },
    });
    return { view, html: templates.render(view) };
  };
  // The tool validation section names the Chromium version that prints the report, known once the
  // browser runs. The HTML is rendered while it starts (Handlebars compiles the templates on first
  // use, ~0.3 s) with a per-run placeholder, filled in after; a template that changes the text is
  // rendered again.
  const slot = `chromium-version-${randomUUID()}`;
  let page: ReturnType<typeof render>;
  let printer: PrintBrowser;
  try {
    const draft = render(slot);
    printer = await launching;
    page = fillVersion(draft, slot, printer.version) ?? render(printer.version);
  } catch (err) {
    await firstTab.then((t) => t.page.close()).catch(() => undefined);
    throw err;
  }
  const { view } = page;
  const html = markHtml(page.html, reportId);
  const htmlSha256 = sha256Hex(html);
  const appendixLines = view.appendix.items.reduce((n, i) => n + i.lines.length, 0);
  const rows = tableRows(input, appendixLines);
  const tagged = options.tagged ?? rows <= TAGGED_MAX_ROWS;
  const t2 = performance.now();

  // The report prints in parts side by side where the template marks cuts: an untagged (large) one at
  // every mark, a large tagged one in two parts whose structure trees the joiner merges.
  const parts = splitHtml(html, partLimit(tagged, rows));
  const rendered = parts ? await printInParts(printer, parts, reportId, { paper, tagged }, firstTab) : await htmlToPdf(printer, html, { paper, tagged }, firstTab);
  // The browser ends and its profile is removed while the PDF is signed and published.
  void closeOwn();
  const t3 = performance.now();

  let timestamp: ReportResult['timestamp'] = { status: 'none', record: null, reason: null };
  const tsa = options.tsa && options.tsa.urls.length > 0 ? options.tsa : null;
  const signed = await signPdfStamped(rendered.pdf, identity, {
    reason: pdfReason(reportId, input.acquisition.caseId, input.acquisition.evidenceId, htmlSha256),
    location: organisation ?? undefined,
    // No signingTime: the signature carries the real time of signing, after the PDF was rendered and
    // before the custody event below (`now` may be fixed for a reproducible report id).
  }, async (signatureValue) => {
    if (!tsa) return { problem: 'no TSA asked' };
    const outcome = await requestTimestamp(signatureValue, tsa);
    if (!outcome.ok) return { problem: outcome.reason };
    timestamp = { status: 'added', record: recordOf(outcome.check, outcome.token, outcome.url), reason: null };
    return { token: outcome.token };
  }, tsa !== null);
  if (tsa && signed.stampProblem) timestamp = { status: 'failed', record: null, reason: signed.stampProblem };
  const pdfSha256 = sha256Hex(signed.pdf);
  const pages = countPages(signed.pdf);
  const { htmlPath, pdfPath } = publishPair(dir, html, signed.pdf);
  // One event for the pair: both hashes under one report id (bundle and verify check the pair against it).
  appendCustody(dir, {
    actor,
    action: 'report published',
    object: PATHS.reportPdf,
    sha256: pdfSha256,
    details: {
      ...publishedDetails(
        { reportId, html, htmlSha256, pdf: signed.pdf, pdfSha256, pages, browser: printer.version, blockedRequests: rendered.blockedRequests.length, signer: identity, certificateSha256: fingerprint, signingTime: signed.signingTime },
        { unsignedSha256: sha256Hex(rendered.pdf), byteRange: signed.byteRange },
      ),
      template: templates.dir,
      paper,
      tagged,
      browserStarted: printer.startedAt.toISOString(),
      ...(tsa ? { timestamp: { status: timestamp.status, tsaUrls: tsa.urls, ...(timestamp.record ?? {}), ...(timestamp.reason ? { failure: timestamp.reason } : {}), tokenBytes: signed.tokenBytes } } : {}),
      ...(identity.expiredAllowed ? { allowExpiredCert: identity.expiredAllowed } : {}),
    },
  });
  const t4 = performance.now();

  const warnings: string[] = [];
  if (identity.selfSigned) {
    warnings.push(`The PDF is signed with a SELF-SIGNED certificate (${identity.subject}, SHA-256 ${fingerprint}): it proves the file is unchanged, not who signed it.`);
  }
  if (identity.expiredAllowed) warnings.push(`The PDF is ${identity.expiredAllowed}; verify and openssl will report it.`);
  if (timestamp.status === 'failed') warnings.push(`No trusted timestamp in the PDF signature: ${timestamp.reason}. The report is signed without it; netcustody timestamp can time-stamp the bundle later.`);
  if (rendered.blockedRequests.length) warnings.push(`The report page tried ${rendered.blockedRequests.length} network request(s); all were blocked.`);
  return {
    html: htmlPath,
    pdf: pdfPath,
    htmlSha256,
    pdfSha256,
    pages,
    bytes: signed.pdf.length,
    reportId,
    tagged,
    blockedRequests: rendered.blockedRequests,
    signer: { subject: identity.subject, selfSigned: identity.selfSigned, certPath: identity.certPath, fingerprint, source: identity.source },
    warnings,
    durations: { loadMs: t1 - t0, htmlMs: t2 - t1, pdfMs: t3 - t2, signMs: t4 - t3, totalMs: t4 - t0 },
    timestamp,
  };
}
