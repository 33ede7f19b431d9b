// Printing a large report in parts: the template marks where the document may be cut
// (<!--netcustody:print-part--> between top-level sections); each part is printed in its own tab at
// the same time (Chromium lays out and prints a tab on one core), and the PDFs are joined before the
// PDF is signed. A part starts on a new page. The bottom-right margin box ("Report … · Page X of Y")
// is left out of the parts and stamped by the joiner, which alone knows every page's number.
import type { PrintBrowser } from './browser.js';
import { joinPdfs } from './pdf-join.js';
import { htmlToPdf, type PrintTab, type RenderOptions, type RenderResult } from './pdf-render.js';

export const PART_MARK = '<!--netcustody:print-part-->';
const PARTS_AT_ONCE = 3;
const NO_PAGE_NUMBER = '<style>@page { @bottom-right { content: none; } }</style>\n';

export interface HtmlParts {
  docs: string[];
  /** The part that holds each link target (a link may point into another part). */
  owners: Map<string, number>;
}

/**
 * The html as documents that print in parts, or null when the template marks no place to cut.
 * Chromium writes a named destination only for a target some link in the same document points at,
 * and drops a link whose target is missing: each part gets an empty link to each of its own targets,
 * and an empty stand-in for each target its links point at in another part (the joiner keeps the
 * owner's destination).
 */
export function splitHtml(html: string): HtmlParts | null {
  const bodyAt = html.indexOf('<body>');
  const endAt = html.lastIndexOf('</body>');
  if (bodyAt < 0 || endAt < bodyAt) return null;
  const segments = html.slice(bodyAt + 6, endAt).split(PART_MARK).filter((s) => s.trim() !== '');
  if (segments.length < 2) return null;
  const head = html.slice(0, bodyAt);
  const headEnd = head.lastIndexOf('</head>');
  if (headEnd < 0) return null;
  const prefix = `${head.slice(0, headEnd)}${NO_PAGE_NUMBER}${head.slice(headEnd)}<body>`;
  // Attribute values are escaped by the templates: no quote or angle bracket can be in them.
  const targets = new Set([...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]));
  const owners = new Map<string, number>();
  segments.forEach((seg, i) => {
    for (const m of seg.matchAll(/\sid="([^"]+)"/g)) if (targets.has(m[1]) && !owners.has(m[1])) owners.set(m[1], i);
  });
  const docs = segments.map((seg, i) => {
    const linked = new Set([...seg.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]));
    let extra = '';
    for (const [id, owner] of owners) {
      if (owner === i) extra += `<a href="#${id}"></a>`;
      else if (linked.has(id)) extra += `<i id="${id}"></i>`;
    }
    return `${prefix}${seg}${extra}</body>\n</html>\n`;
  });
  return { docs, owners };
}

/** Print the parts side by side and join them, numbering pages "Report <id> · Page X of Y". */
export async function printInParts(printer: PrintBrowser, parts: HtmlParts, reportId: string, opts: RenderOptions, firstTab?: Promise<PrintTab>): Promise<RenderResult> {
  // At most PARTS_AT_ONCE tabs print at a time: each is a renderer process of its own (memory), and
  // two cores gain nothing from more.
  // The largest parts start first (their html length tells their printing time well enough): a large
  // part started last would print alone on one core at the end. The tab opened beforehand takes the first.
  const printed: RenderResult[] = new Array(parts.docs.length);
  const order = parts.docs.map((d, i) => ({ i, size: d.length })).sort((a, b) => b.size - a.size || a.i - b.i).map((p) => p.i);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < order.length; k = next++) {
      const i = order[k]!;
      printed[i] = await htmlToPdf(printer, parts.docs[i]!, { ...opts, tagged: false }, k === 0 ? firstTab : undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTS_AT_ONCE, parts.docs.length) }, worker));
  const pdf = joinPdfs(
    printed.map((p) => p.pdf),
    { footer: (n, total) => `Report ${reportId} · Page ${n} of ${total}`, destOwner: (id) => parts.owners.get(id) },
  );
  return { pdf, blockedRequests: printed.flatMap((p) => p.blockedRequests) };
}
