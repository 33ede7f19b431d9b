// Report figures for `npm run bench`: a 10,000-connection host rendered to a signed PDF (browser start
// included, as a real `netcustody report` run), and signing a 10 MB PDF.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../report/index.js';
import { signPdf } from '../report/pdf-sign.js';
import { verifyPdfSignature } from '../report/pdf-verify.js';
import { writeEvidenceFolder } from '../report/synthetic-evidence.js';
import { largeHost } from '../report/synthetic-hosts.js';
import { syntheticPdf } from '../report/synthetic-pdf.js';
import { loadIdentity } from '../signing/index.js';
import type { BenchRow } from './types.js';

const CONNECTIONS = 10_000;
const MB = 1024 * 1024;

export async function benchReport(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'netcustody-bench-report-'));
  try {
    const configDir = join(work, 'config');
    // The examiner's certificate exists after the first run; its one-off creation is not timed.
    const identity = await loadIdentity({ examiner: 'Bench Examiner', configDir });
    const dir = writeEvidenceFolder(work, largeHost(CONNECTIONS), { examiner: 'Bench Examiner' });

    const t0 = performance.now();
    const result = await buildReport(dir, { configDir });
    const seconds = (performance.now() - t0) / 1000;
    const mib = result.bytes / MB;

    const big = syntheticPdf(10 * MB);
    const t1 = performance.now();
    const signed = signPdf(big, identity);
    const signMs = performance.now() - t1;
    const valid = verifyPdfSignature(signed.pdf).ok;

    return [
      { area: 'report', metric: `${CONNECTIONS.toLocaleString('en')} connections → HTML + PDF + signature (browser start included)`, value: seconds, unit: 's', target: '< 10 s', ok: seconds < 10 },
      { area: 'report', metric: '  of which HTML (Handlebars)', value: result.durations.htmlMs / 1000, unit: 's' },
      { area: 'report', metric: '  of which PDF (Chromium)', value: result.durations.pdfMs / 1000, unit: 's' },
      { area: 'report', metric: `  PDF size (${result.pages} pages, tagged: ${result.tagged ? 'yes' : 'no'})`, value: mib, unit: 'MiB', target: '< 5 MB', ok: result.bytes < 5_000_000 },
      { area: 'report', metric: `sign a ${(big.length / MB).toFixed(0)} MiB PDF (incremental update, node:crypto SHA-256)`, value: signMs, unit: 'ms', target: '< 1 s', ok: signMs < 1000 && valid },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
