// A real evidence folder for bundle tests, made by the real stages: artifacts imported from
// ../shared/samples, parsed and analysed, report.html and a report.pdf printed by Chromium and
// signed with the examiner's identity.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFiles } from '../../src/collect/import.js';
import { analyzeStage } from '../../src/pipeline/analyze.js';
import { launchPrintBrowser, type PrintBrowser } from '../../src/report/browser.js';
import { buildReport } from '../../src/report/index.js';
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

/** Imported real samples, parsed and analysed by the analyze stage, reported and signed by the report stage. */
export async function makeEvidence(lab: Lab, outName: string): Promise<string> {
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
  await analyzeStage(dir, { actor: EXAMINER });
  await buildReport(dir, { browser: lab.printer, now: new Date('2024-05-01T10:00:00Z') });
  return dir;
}
