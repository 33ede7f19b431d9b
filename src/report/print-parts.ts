// Printing a large report in parts: the template marks where the document may be cut
// (<!--netcustody:print-part--> between top-level sections); each part is printed in its own tab at
// the same time (Chromium lays out and prints a tab on one core), and the PDFs are joined before the
// PDF is signed. A part starts on a new page. The bottom-right margin box ("Report … · Page X of Y")
// is left out of the parts and stamped by the joiner, which alone knows every page's number.
import type { PrintBrowser } from './browser.js';
import { joinPdfs } from './pdf-join.js';
import { htmlToPdf, type RenderOptions, type RenderResult } from './pdf-render.js';

export const PART_MARK = '<!--netcustody:print-part-->';
const NO_PAGE_NUMBER = '<style>@page { @bottom-right { content: none; } }</style>\n';

/** The html as documents that print in parts, or null when the template marks no place to cut. */
export function splitHtml(html: string): string[] | null {
  const bodyAt = html.indexOf('<body>');
  const endAt = html.lastIndexOf('</body>');
  if (bodyAt < 0 || endAt < bodyAt) return null;
  const segments = html.slice(bodyAt + 6, endAt).split(PART_MARK).filter((s) => s.trim() !== '');
  if (segments.length < 2) return null;
  const head = html.slice(0, bodyAt);
  const headEnd = head.lastIndexOf('</head>');
  if (headEnd < 0) return null;
  const prefix = `${head.slice(0, headEnd)}${NO_PAGE_NUMBER}${head.slice(headEnd)}<body>`;
  return segments.map((s) => `${prefix}${s}</body>\n</html>\n`);
}

/** Print the parts side by side and join them, numbering pages "Report <id> · Page X of Y". */
export async function printInParts(printer: PrintBrowser, parts: string[], reportId: string, opts: RenderOptions): Promise<RenderResult> {
  const printed = await Promise.all(parts.map((p) => htmlToPdf(printer, p, { ...opts, tagged: false })));
  const pdf = joinPdfs(
    printed.map((p) => p.pdf),
    { footer: (n, total) => `Report ${reportId} · Page ${n} of ${total}` },
  );
  return { pdf, blockedRequests: printed.flatMap((p) => p.blockedRequests) };
}
