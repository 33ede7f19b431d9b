// `netcustody case SOURCE... --case ID`: read several hosts' evidence (never changing it), join their
// flows, raise case leads, and write a case folder: case.json, the diagram, a signed case report, the
// host bundles unchanged under hosts/, a custody log of its own, a seal and the case bundle beside it.
import { X509Certificate, createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appendCustody, readCustody, verifyCustodyFile } from '../evidence/custody.js';
import { EvidenceError, PATHS, compactUtc, safeName, writeJson } from '../evidence/folder.js';
import { DIR_MODE, mkdirPrivate, sha256File, sha256Hex, writeFileDurableSync } from '../evidence/files.js';
import { loadIdentity, type SigningIdentity } from '../signing/index.js';
import { spawnPrintBrowser, type PrintBrowser } from '../report/browser.js';
import { htmlToPdf } from '../report/pdf-render.js';
import { publishPair, publishedDetails } from '../report/publish.js';
import { layoutEngine } from '../report/graphviz.js';
import { signPdf } from '../report/pdf-sign.js';
import { countPages } from '../report/pdf-pages.js';
import { markHtml, pdfReason } from '../report/report-id.js';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from '../report/templates.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { buildCase } from './build.js';
import { caseDiagram } from './diagram.js';
import { sealCaseFolder } from './seal.js';
import { openSources } from './sources.js';
import type { CaseFile } from './types.js';
import { caseView } from './view.js';

export interface CaseOptions {
  sources: string[];
  caseId: string;
  out: string;
  examiner: string;
  organisation?: string | null;
  role?: string | null;
  p12?: string;
  passphraseEnv?: string;
  configDir?: string;
  log?: (line: string) => void;
  now?: Date;
}

export interface CaseResult {
  caseDir: string;
  caseJson: string;
  report: string;
  bundle: string | null;
  bundleSha256: string | null;
  file: CaseFile;
  warnings: string[];
}

export const CASE_JSON = 'case.json';
export const CASE_GRAPH = 'case-graph.svg';

export async function runCase(opts: CaseOptions): Promise<CaseResult> {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  const actor = `${opts.examiner} (${TOOL_NAME} ${TOOL_VERSION})`;
  const opened = await openSources(opts.sources, log);
  try {
    const built = buildCase(opts.caseId, opened.hosts, now);
    const identity = await loadIdentity({ p12: opts.p12, passphraseEnv: opts.passphraseEnv, examiner: opts.examiner, organisation: opts.organisation ?? null, configDir: opts.configDir });
    // Chromium starts while the hosts are copied and the diagram is laid out; it is ended however this ends.
    const { launching } = await spawnPrintBrowser();
    let closing: Promise<void> | null = null;
    const closeBrowser = (): Promise<void> => (closing ??= launching.then((b) => b.close(), () => undefined));
    try {
      return await writeCase(opts, built, identity, { launching, closeBrowser }, log, now, actor);
    } finally {
      await closeBrowser();
    }
  } finally {
    opened.cleanup();
  }
}

async function writeCase(
  opts: CaseOptions,
  built: ReturnType<typeof buildCase>,
  identity: SigningIdentity,
  printing: { launching: Promise<PrintBrowser>; closeBrowser: () => Promise<void> },
  log: (line: string) => void,
  now: Date,
  actor: string,
): Promise<CaseResult> {
  const { dir, name } = newCaseFolder(opts.out, opts.caseId, now);
  log(`case folder ${dir}`);
  appendCustody(dir, { actor, action: 'case opened', object: null, details: { caseId: opts.caseId, sources: opts.sources.length, tool: `${TOOL_NAME} ${TOOL_VERSION}` } });
  for (const h of built.inputs) {
    const entry = built.file.hosts.find((x) => x.key === h.key)!;
    if (entry.bundle && h.bundlePath) {
      mkdirPrivate(join(dir, 'hosts'));
      const target = join(dir, entry.bundle.file);
      copyFileSync(h.bundlePath, target);
      const copied = await sha256File(target);
      if (copied !== entry.bundle.sha256) throw new EvidenceError(`${h.source}: the copy of ${h.bundlePath} has SHA-256 ${copied}, the source ${entry.bundle.sha256}: it changed while it was read`);
    }
    appendCustody(dir, {
      actor,
      action: 'host evidence read',
      object: entry.bundle?.file ?? null,
      sha256: entry.bundle?.sha256 ?? null,
      details: { host: entry.key, name: entry.name, evidenceId: entry.evidenceId, source: resolve(h.source), sourceKind: h.sourceKind, checked: h.checked, acquisitionSha256: entry.acquisitionSha256, custodySha256: entry.custodySha256 },
    });
  }
  for (const a of built.file.ambiguities) log(`ambiguous: ${a.detail}`);
  writeJson(dir, CASE_JSON, built.file);
  appendCustody(dir, { actor, action: 'case analysed', object: CASE_JSON, sha256: await sha256File(join(dir, CASE_JSON)), details: { hosts: built.file.hosts.length, flows: built.file.flows.length, leads: built.file.leads.length, ambiguities: built.file.ambiguities.length } });
  const svg = await caseDiagram(built.file, built.outside);
  const layout = await layoutEngine();
  writeFileDurableSync(join(dir, CASE_GRAPH), svg.markup);
  appendCustody(dir, { actor, action: 'diagram drawn', object: CASE_GRAPH, sha256: sha256Hex(svg.markup), details: { layout } });

  const missing = built.file.hosts.filter((h) => !h.bundle);
  const zipPath = join(dir, '..', `${name}.zip`);
  const reportId = `NCC-${compactUtc(now)}-${createHash('sha256').update(`${opts.caseId}|${name}|${now.toISOString()}`).digest('hex').slice(0, 6).toUpperCase()}`;
  const fingerprint = new X509Certificate(identity.certPem).fingerprint256.replace(/:/g, '').toLowerCase();
  const templates = loadTemplates(join(DEFAULT_TEMPLATE_DIR, 'case'), DEFAULT_TEMPLATE_DIR);
  const view = caseView(built.file, built.outside, {
    reportId,
    generated: now,
    examiner: { name: opts.examiner, organisation: opts.organisation ?? null, role: opts.role ?? null },
    signer: { subject: identity.subject, selfSigned: identity.selfSigned, fingerprint },
    zipName: `${name}.zip`,
    custody: readCustody(dir),
    chainOk: verifyCustodyFile(dir).ok,
    diagramSvg: svg,
    diagramLayout: layout,
  });
  const html = markHtml(templates.render(view), reportId);
  const htmlSha256 = sha256Hex(html);
  log('printing the case report');
  const printer = await printing.launching;
  const rendered = await htmlToPdf(printer, html, { paper: 'a4', tagged: true });
  void printing.closeBrowser(); // the profile is removed while the PDF is signed
  const signed = signPdf(rendered.pdf, identity, { reason: pdfReason(reportId, opts.caseId, name, htmlSha256), location: opts.organisation ?? undefined });
  publishPair(dir, html, signed.pdf);
  const pdfSha256 = sha256Hex(signed.pdf);
  appendCustody(dir, {
    actor,
    action: 'report published',
    object: PATHS.reportPdf,
    sha256: pdfSha256,
    details: publishedDetails({ reportId, html, htmlSha256, pdf: signed.pdf, pdfSha256, pages: countPages(signed.pdf), browser: printer.version, blockedRequests: rendered.blockedRequests.length, signer: identity, certificateSha256: fingerprint, signingTime: signed.signingTime }),
  });

  const warnings: string[] = [];
  if (identity.selfSigned) warnings.push(`The case report is signed with a SELF-SIGNED certificate (${identity.subject}, SHA-256 ${fingerprint}).`);
  let bundle = null;
  if (missing.length > 0) {
    warnings.push(`no case bundle: ${missing.map((h) => `${h.name} (${h.source})`).join(', ')} ${missing.length === 1 ? 'is a folder' : 'are folders'} without a bundle; run \`netcustody bundle DIR\` on ${missing.length === 1 ? 'it' : 'them'} and run case again`);
  } else {
    log('sealing the case bundle');
    bundle = await sealCaseFolder(dir, zipPath, opts.caseId, identity, now, actor);
  }
  return { caseDir: dir, caseJson: join(dir, CASE_JSON), report: join(dir, PATHS.reportPdf), bundle: bundle?.zipPath ?? null, bundleSha256: bundle?.sha256 ?? null, file: built.file, warnings };
}

/** <out>/<case>/case_<UTC>[-n]: always a new folder, 0700. */
function newCaseFolder(out: string, caseId: string, now: Date): { dir: string; name: string } {
  const root = join(resolve(out), safeName(caseId, 'case'));
  mkdirSync(root, { recursive: true, mode: DIR_MODE });
  const base = `${safeName(caseId, 'case')}_case_${compactUtc(now)}`;
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const dir = join(root, name);
    if (existsSync(dir) || existsSync(`${dir}.zip`)) continue;
    try {
      mkdirSync(dir, { mode: DIR_MODE });
      return { dir, name };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new EvidenceError(`no free case folder name under ${root}`);
}
