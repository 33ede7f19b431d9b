// HTML → PDF with Chromium: JavaScript off before the content is set, every request aborted and
// recorded. The running header/footer (report id, "Page X of Y") are the template's @page margin boxes.
import type { Page } from 'puppeteer';
import type { PrintBrowser } from './browser.js';

export type Paper = 'a4' | 'letter';

export interface RenderOptions {
  paper: Paper;
  /** Tagged (accessible) PDF; costs time and size on very large reports. */
  tagged: boolean;
  timeoutMs?: number;
}

export interface RenderResult {
  pdf: Buffer;
  /** Every request the page tried to make (all were aborted). */
  blockedRequests: string[];
}

/** A tab ready for printing: scripts off and the network closed before any content arrives. */
export interface PrintTab {
  page: Page;
  blockedRequests: string[];
}

export async function openPrintTab(printer: PrintBrowser): Promise<PrintTab> {
  const page = await printer.browser.newPage();
  const blockedRequests: string[] = [];
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      blockedRequests.push(request.url());
      request.abort('blockedbyclient').catch(() => undefined);
    });
  } catch (err) {
    await page.close().catch(() => undefined);
    throw err;
  }
  return { page, blockedRequests };
}

/** Print in a tab opened beforehand (e.g. while Node rendered the html) or in a new one; the tab is closed. */
export async function htmlToPdf(printer: PrintBrowser, html: string, opts: RenderOptions, opened?: Promise<PrintTab>): Promise<RenderResult> {
  const { page, blockedRequests } = await (opened ?? openPrintTab(printer));
  try {
    const timeout = opts.timeoutMs ?? 180_000;
    await page.setContent(html, { waitUntil: 'load', timeout });
    const pdf = await page.pdf({
      format: opts.paper === 'letter' ? 'letter' : 'a4',
      printBackground: true,
      preferCSSPageSize: false,
      // Header, footer and margins come from the template's @page rule (CSS margin boxes): the lab's
      // template controls them, and Chromium spends ~20% less CPU than with headerTemplate/footerTemplate.
      displayHeaderFooter: false,
      tagged: opts.tagged,
      outline: false,
      timeout,
    });
    return { pdf: Buffer.from(pdf), blockedRequests };
  } finally {
    await page.close().catch(() => undefined);
  }
}
