// A real evidence folder for bundle tests: artifacts imported from ../shared/samples by the import
// stage, parsed/ and findings.json, a report.html printing the artifact hashes, and a report.pdf
// printed by Chromium and signed with the examiner's real identity.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { importFiles } from '../../src/collect/import.js';
import { appendCustody } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { PATHS, readAcquisition, writeJson } from '../../src/evidence/folder.js';
import { launchPrintBrowser, type PrintBrowser } from '../../src/report/browser.js';
import { htmlToPdf } from '../../src/report/pdf-render.js';
import { signPdf } from '../../src/report/pdf-sign.js';
import { loadIdentity, type SigningIdentity } from '../../src/signing/index.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const SAMPLES = resolve(REPO, '../shared/samples');
export const EXAMINER = 'Jane Doe';

export interface Lab {
  root: string;
  identity: SigningIdentity;
  printer: PrintBrowser;
  close(): Promise<void>;
}

/** A temporary root with NETCUSTODY_HOME inside it (the examiner's key lives there) and a browser. */
export async function openLab(): Promise<Lab> {
  const root = mkdtempSync(join(tmpdir(), 'nc-bundle-'));
  process.env.NETCUSTODY_HOME = join(root, 'home');
  const identity = await loadIdentity({ examiner: EXAMINER, organisation: 'Forensic Lab' });
  const printer = await launchPrintBrowser();
  return {
    root,
    identity,
    printer,
    close: async () => {
      await printer.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function makeEvidence(lab: Lab, outName: string, extraReportRows = 0): Promise<string> {
  const out = join(lab.root, outName);
  const { dir } = await importFiles([join(SAMPLES, 'ubuntu-18.04/ss-sudo-tulpen.out'), join(SAMPLES, 'centos-7.7/route-6.out')], {
    out,
    caseId: 'CASE-2024/017',
    examiner: EXAMINER,
    organisation: 'Forensic Lab',
    host: 'web01.example',
    os: 'linux',
    command: 'ss -tulpen',
  });
  const acquisition = readAcquisition(dir);
  writeStage(dir, PATHS.connections, [{ protocol: 'tcp', ipVersion: 4, localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: null, state: 'LISTEN', pid: 812, process: 'sshd', source: { artifact: acquisition.imports[0].artifact.path, line: 2 } }]);
  writeStage(dir, PATHS.findings, [{ id: 'F-0001', rule: 'listener-any', severity: 'low', title: 'sshd listens on all addresses', detail: '0.0.0.0:22', subject: 'connection', refs: [], attack: [] }]);

  const rows = acquisition.imports
    .map((i) => `<tr><td>${i.artifact.path}</td><td>${i.artifact.bytes}</td><td><code>${i.artifact.sha256}</code></td></tr>`)
    .join('\n');
  const filler = Array.from({ length: extraReportRows }, (_, n) => `<tr><td>row ${n}</td><td>10.${n % 250}.0.1:443</td><td>${sha256Hex(String(n))}</td></tr>`).join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Report</title></head><body><h1>Report ${acquisition.evidenceId}</h1>
<table><thead><tr><th>Artifact</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>
${rows}
</tbody></table><table>${filler}</table></body></html>\n`;
  writeStage(dir, PATHS.reportHtml, html);
  const printed = await htmlToPdf(lab.printer, html, { paper: 'a4', reportId: acquisition.evidenceId, tagged: false });
  const signed = signPdf(printed.pdf, lab.identity, { reason: 'test report', signingTime: new Date('2024-05-01T10:00:00Z') });
  writeStage(dir, PATHS.reportPdf, signed.pdf);
  return dir;
}

function writeStage(dir: string, rel: string, value: unknown): void {
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, rel), value, { mode: 0o600 });
  } else writeJson(dir, rel, value);
  appendCustody(dir, { actor: EXAMINER, action: `${rel} written`, object: rel, sha256: sha256Hex(readFileSync(join(dir, rel))) });
}
