// Text inside the SVG pictures of the reports (the host report's lead picture, the case graph's DOT): host
// text made visible (control and bidi characters as markers), cut to fit a line, and XML-escaped.
import { visible, visibleHost } from '../markers.js';

export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Raw host text (parsed records), visible and cut to `max` characters (the tables hold it whole). */
export function fit(text: string, max: number): string {
  return cut(visibleHost(text), max);
}

/** Text analyze already marked (leads.json): only cut, never marked twice. */
export function fitMarked(text: string, max: number): string {
  return cut(visible(text), max);
}

function cut(v: string, max: number): string {
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}

/**
 * SVG markup netcustody drew itself, every text in it escaped (xml()), or Graphviz's layout of DOT that
 * netcustody wrote, accepted by svg-check.ts graphvizPicture() (the only way Graphviz output gets here).
 * Templates print it with the `picture` helper, which prints nothing else: no triple-stash, no other way
 * for markup in.
 */
export class Picture {
  constructor(readonly markup: string) {}
}
