// HTML → PDF with Chromium: JavaScript off before the content is set, every request aborted and
// recorded, header and footer with the report id and "Page X of Y".
import type { PrintBrowser } from './browser.js';
import { escapeHtml } from './visible.js';

export type Paper = 'a4' | 'letter';

export interface RenderOptions {
  paper: Paper;
  reportId: string;
  /** Tagged (accessible) PDF; costs time and size on very large reports. */
  tagged: boolean;
  timeoutMs?: number;
}

export interface RenderResult {
  pdf: Buffer;
  /** Every request the page tried to make (all were aborted). */
  blockedRequests: string[];
}

const HEADER_FOOTER_STYLE = 'font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 7pt; color: #444; width: 100%; margin: 0 14mm; display: flex; justify-content: space-between;';

export function headerTemplate(reportId: string): string {
  return `<div style='${HEADER_FOOTER_STYLE}'><span>netcustody forensic report</span><span>Report ${escapeHtml(reportId)}</span></div>`;
}

export function footerTemplate(reportId: string): string {
  return `<div style='${HEADER_FOOTER_STYLE}'><span>Report ${escapeHtml(reportId)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

export async function htmlToPdf(printer: PrintBrowser, html: string, opts: RenderOptions): Promise<RenderResult> {
  const page = await printer.browser.newPage();
  const blockedRequests: string[] = [];
  try {
    // Order matters: scripts are off and the network is closed before any byte of content arrives.
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      blockedRequests.push(request.url());
      request.abort('blockedbyclient').catch(() => undefined);
    });
    const timeout = opts.timeoutMs ?? 180_000;
    await page.setContent(html, { waitUntil: 'load', timeout });
    const pdf = await page.pdf({
      format: opts.paper === 'letter' ? 'letter' : 'a4',
      printBackground: true,
      preferCSSPageSize: false,
      displayHeaderFooter: true,
      headerTemplate: headerTemplate(opts.reportId),
      footerTemplate: footerTemplate(opts.reportId),
      margin: { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' },
      tagged: opts.tagged,
      outline: false,
      timeout,
    });
    return { pdf: Buffer.from(pdf), blockedRequests };
  } finally {
    await page.close().catch(() => undefined);
  }
}
