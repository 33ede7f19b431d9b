import type { ParseResult } from '../model.js';
import type { Parser } from './types.js';
import { emptyResult, addUnparsed, notListedText } from './result.js';
import { forEachLineSpan } from './line-spans.js';
import { headLines } from './text.js';
import { bsdNetstatParser } from './bsd-netstat.js';
import { bsdRouteParser } from './bsd-route.js';
import { lsofParser } from './lsof.js';
import { windowsNetstatParser } from './windows-netstat.js';
import { windowsRouteParser } from './windows-route.js';
import { windowsTasklistParser } from './windows-tasklist.js';
import { linuxNetstatParser } from './linux-netstat.js';
import { linuxRouteParser } from './linux-route.js';
import { ipRouteParser } from './ip-route.js';
import { processFactsParser } from './process-facts.js';
import { processFactsShParser } from './process-facts-sh.js';
import { ssParser } from './ss.js';
import { procNetParser } from './proc-net.js';

// One module per format. Each helper adds its parser here; the order only breaks detection ties.
export const PARSERS: Parser[] = [
  bsdNetstatParser,
  bsdRouteParser,
  lsofParser,
  windowsNetstatParser,
  windowsRouteParser,
  windowsTasklistParser,
  linuxNetstatParser,
  linuxRouteParser,
  ipRouteParser,
  processFactsParser,
  processFactsShParser,
  ssParser,
  procNetParser,
];

export interface Detection {
  parser: Parser;
  score: number;
}

/** Pick the format from the content (never the file name): the highest confident sniffer wins. */
export function detectFormat(text: string): Detection | null {
  const head = headLines(text, 80);
  let best: Detection | null = null;
  for (const parser of PARSERS) {
    let score = 0;
    try {
      score = parser.detect(head);
    } catch {
      score = 0;
    }
    if (score > 0 && (!best || score > best.score)) best = { parser, score };
  }
  return best && best.score >= 0.3 ? best : null;
}

/** Parse decoded text; unknown content is reported line by line as unparsed, never dropped. */
export function parseText(text: string, artifact: string, encoding: string, bytes?: Buffer): ParseResult {
  const detected = detectFormat(text);
  if (detected) return detected.parser.parse(bytes ? { text, artifact, encoding, bytes } : { text, artifact, encoding });
  const result = emptyResult('unknown', artifact, encoding);
  // Line by line over the text (no array of every line: the content may be megabytes of garbage).
  result.lines.total = forEachLineSpan(text, (start, end, lineNo) => {
    const line = text.slice(start, end);
    if (!/\S/.test(line)) result.lines.blank++;
    else addUnparsed(result, lineNo, line, 'format not recognised');
  });
  if (result.lines.total > 0) result.warnings.push(`${artifact}: format not recognised; ${result.lines.unparsed} lines kept unparsed${notListedText(result)}`);
  return result;
}
