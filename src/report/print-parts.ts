// Printing a large report in parts: the template marks where the document may be cut
// (<!--netcustody:print-part--> between top-level sections); each part is printed in its own tab at
// the same time (Chromium lays out and prints a tab on one core), and the PDFs are joined before the
// PDF is signed. A part starts on a new page. The bottom-right margin box ("Report … · Page X of Y")
// is left out of the parts and stamped by the joiner, which alone knows every page's number.
// A tagged (accessible) report prints in TAGGED_PARTS parts of about equal size: each part's structure
// tree is merged by the joiner into one (pdf-join-tags.ts).
import type { PrintBrowser } from './browser.js';
import { joinPdfs } from './pdf-join.js';
import { htmlToPdf, type PrintTab, type RenderOptions, type RenderResult } from './pdf-render.js';

export const PART_MARK = '<!--netcustody:print-part-->';
const PARTS_AT_ONCE = 3;
/** Tagged reports are small (≤ TAGGED_MAX_ROWS rows): one part per core of a 2-core workstation. */
export const TAGGED_PARTS = 2;
/**
 * Below this many table rows a tagged report prints in one tab: a second tab and the join cost about
 * what they save (a 20-page report: 1.0-1.25 s either way, 0.4 s more CPU); a 460-socket host's
 * 51 pages (~2,000 rows) print 0.5 s sooner in two.
 */
export const TAGGED_PARTS_MIN_ROWS = 1000;

/** How many parts a report prints in at most: untagged at every mark, tagged in two once large enough. */
export function partLimit(tagged: boolean, rows: number): number {
  if (!tagged) return Infinity;
  return rows >= TAGGED_PARTS_MIN_ROWS ? TAGGED_PARTS : 1;
}
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
export function splitHtml(html: string, maxParts = Infinity): HtmlParts | null {
  const bodyAt = html.indexOf('<body>');
  const endAt = html.lastIndexOf('</body>');
  if (bodyAt < 0 || endAt < bodyAt) return null;
  const segments = groupSegments(html.slice(bodyAt + 6, endAt).split(PART_MARK).filter((s) => s.trim() !== ''), maxParts);
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
      // Hidden from the accessibility tree: nothing printed, no empty Link element in a tagged part.
      if (owner === i) extra += `<a href="#${id}" aria-hidden="true"></a>`;
      else if (linked.has(id)) extra += `<i id="${id}" aria-hidden="true"></i>`;
    }
    return `${prefix}${seg}${extra}</body>\n</html>\n`;
  });
  return { docs, owners };
}

/**
 * At most `maxParts` runs of consecutive segments, the largest run (in characters, a rough measure of
 * what Chromium lays out) as small as it can be: the parts print side by side, the slowest one counts.
 */
export function groupSegments(segments: string[], maxParts: number): string[] {
  const k = Math.min(maxParts, segments.length);
  if (k >= segments.length) return segments;
  if (k <= 1) return [segments.join('')];
  const sums = [0];
  for (const s of segments) sums.push(sums[sums.length - 1] + s.length);
  // best[j][i]: the smallest largest run when the first i segments form j runs; cut[j][i]: where the last begins.
  const n = segments.length;
  const best = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0][0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = j; i <= n; i++) {
      for (let c = j - 1; c < i; c++) {
        const v = Math.max(best[j - 1][c], sums[i] - sums[c]);
        if (v < best[j][i]) [best[j][i], cut[j][i]] = [v, c];
      }
    }
  }
  const runs: string[] = [];
  for (let j = k, i = n; j > 0; i = cut[j][i], j--) runs.unshift(segments.slice(cut[j][i], i).join(''));
  return runs;
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
      printed[i] = await htmlToPdf(printer, parts.docs[i]!, opts, k === 0 ? firstTab : undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTS_AT_ONCE, parts.docs.length) }, worker));
  const pdf = joinPdfs(
    printed.map((p) => p.pdf),
    { footer: (n, total) => `Report ${reportId} · Page ${n} of ${total}`, destOwner: (id) => parts.owners.get(id) },
  );
  return { pdf, blockedRequests: printed.flatMap((p) => p.blockedRequests) };
}
