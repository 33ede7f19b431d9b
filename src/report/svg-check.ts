// SVG that Graphviz laid out becomes a Picture (svg-text.ts) only through this check: its XML prolog,
// DOCTYPE and comments are dropped, its root element is replaced by netcustody's own, and every
// element, attribute and entity left must be one Graphviz draws a plain picture with. Anything else —
// a script, an event handler, foreignObject, a link, an image, a style sheet, an entity declaration —
// refuses the whole picture instead of being cleaned, so nothing half-checked reaches a report.
import { Picture } from './svg-text.js';

export class SvgRefused extends Error {}

const ELEMENTS = new Set(['svg', 'g', 'title', 'polygon', 'polyline', 'path', 'ellipse', 'text']);
const ATTRIBUTES = new Set([
  'class', 'transform', 'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'points', 'd', 'cx', 'cy', 'rx', 'ry', 'x', 'y', 'text-anchor', 'font-family', 'font-size', 'font-weight', 'font-style', 'xml:space',
]);
/** Dropped, not refused: ids Graphviz numbers (they could clash with the report's anchors). */
const DROPPED = new Set(['id']);
const ROOT_ATTRIBUTES = new Set(['width', 'height', 'viewBox', 'xmlns', 'xmlns:xlink']);
const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<>]*")*)\s*(\/?)>/y;
const ATTRIBUTE = /\s+([A-Za-z][\w:.-]*)="([^"<>]*)"/g;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});)/;
// Said by name for a clearer message (in markup; text is text); the allow-lists refuse them anyway.
const FORBIDDEN: [RegExp, string][] = [
  [/<script/i, 'a script'],
  [/\son[a-z]+\s*=/i, 'an event handler attribute'],
  [/foreignObject/i, 'foreignObject'],
  [/href\s*=/i, 'a link (href)'],
  [/<!ENTITY|<!\[CDATA\[/i, 'an entity declaration or CDATA'],
  [/url\s*\(|javascript:/i, 'a url() or javascript: reference'],
];

export interface PictureOptions {
  /** CSS class of the root element (the report's stylesheet sizes it). */
  className: string;
  /** Accessible name of the picture. */
  label: string;
}

/** Graphviz's SVG as a Picture, or SvgRefused naming the first thing that is not allowed. */
export function graphvizPicture(svg: string, opts: PictureOptions): Picture {
  const body = svg
    .replace(/^\uFEFF?\s*<\?xml\s[^<>]*\?>\s*/, '')
    .replace(/^<!DOCTYPE svg PUBLIC "[^"<>[\]]*"\s*"[^"<>[\]]*">\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .trim();
  const out: string[] = [];
  let pos = 0;
  let depth = 0;
  let roots = 0;
  while (pos < body.length) {
    const lt = body.indexOf('<', pos);
    const text = body.slice(pos, lt === -1 ? body.length : lt);
    if (text.length > 0) {
      if (depth === 0 && text.trim() !== '') throw new SvgRefused('the picture was refused: text outside its root element');
      if (text.includes('>') || ENTITY.test(text)) throw new SvgRefused('the picture was refused: text with a raw ">" or an unknown entity');
      out.push(text);
    }
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(body);
    const markup = m?.[0] ?? body.slice(lt, body.indexOf('>', lt) + 1 || undefined);
    // Checked in the markup only: a host's text that reads "onload=" stays text and refuses nothing.
    for (const [re, what] of FORBIDDEN) if (re.test(markup)) throw new SvgRefused(`the picture was refused: it contains ${what}`);
    if (!m) throw new SvgRefused(`the picture was refused: markup that is not a plain element at offset ${lt}`);
    const [whole, closing, name, attrs, selfClosing] = m;
    if (!ELEMENTS.has(name)) throw new SvgRefused(`the picture was refused: element <${name}> is not allowed`);
    if (closing) {
      if (attrs || selfClosing) throw new SvgRefused(`the picture was refused: malformed </${name}>`);
      depth--;
      out.push(whole);
    } else if (name === 'svg') {
      if (depth !== 0 || ++roots > 1 || selfClosing) throw new SvgRefused('the picture was refused: an <svg> inside the picture');
      out.push(rootTag(attrs, opts));
      depth++;
    } else {
      if (depth === 0) throw new SvgRefused(`the picture was refused: <${name}> outside the root element`);
      const kept: string[] = [];
      for (const [, attr, value] of attrs.matchAll(ATTRIBUTE)) {
        if (DROPPED.has(attr)) continue;
        if (!ATTRIBUTES.has(attr)) throw new SvgRefused(`the picture was refused: attribute ${attr} on <${name}> is not allowed`);
        if (ENTITY.test(value)) throw new SvgRefused(`the picture was refused: an unknown entity in attribute ${attr}`);
        kept.push(` ${attr}="${value}"`);
      }
      out.push(`<${name}${kept.join('')}${selfClosing ? '/' : ''}>`);
      if (!selfClosing) depth++;
    }
    pos = lt + whole.length;
  }
  if (roots !== 1 || depth !== 0) throw new SvgRefused('the picture was refused: not one complete <svg> element');
  return new Picture(out.join(''));
}

function rootTag(attrs: string, opts: PictureOptions): string {
  const a = new Map<string, string>();
  for (const [, attr, value] of attrs.matchAll(ATTRIBUTE)) {
    if (!ROOT_ATTRIBUTES.has(attr)) throw new SvgRefused(`the picture was refused: attribute ${attr} on <svg> is not allowed`);
    a.set(attr, value);
  }
  if (a.get('xmlns') !== 'http://www.w3.org/2000/svg') throw new SvgRefused('the picture was refused: the root is not an SVG element');
  const viewBox = a.get('viewBox') ?? '';
  const size = (v: string | undefined): string => (v && /^\d+(\.\d+)?(pt)?$/.test(v) ? v : '');
  if (!/^[\d. -]+$/.test(viewBox) || !size(a.get('width')) || !size(a.get('height'))) throw new SvgRefused('the picture was refused: the root has no plain size');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${xmlAttr(opts.className)}" viewBox="${viewBox}" width="${a.get('width')}" height="${a.get('height')}" role="img" aria-label="${xmlAttr(opts.label)}">`;
}

function xmlAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
