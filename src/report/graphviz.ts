// Graphviz compiled to WebAssembly (@viz-js/viz, which carries its wasm inside its JavaScript: no
// system binary, no download, no network at run time) lays pictures out. DOT text is built with
// dotText()/dotLabel() only, so no host string can end a quoted string, add attributes or use
// Graphviz's escapes (\N, \G, \l …); the SVG Graphviz returns is checked by svg-check.ts before any
// report prints it.
import { visible } from '../markers.js';

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

let loading: Promise<Viz> | null = null;

/** One Graphviz instance per process, loaded on first use (about 0.15 s). */
function viz(): Promise<Viz> {
  loading ??= import('@viz-js/viz').then((m) => m.instance());
  return loading;
}

export class GraphvizError extends Error {}

export interface GraphvizOutput {
  svg: string;
  /** Graphviz's version, for the custody log. */
  version: string;
}

/** What lays the pictures out, for the report and the custody log: "Graphviz 16.1.0 (WebAssembly, @viz-js/viz)". */
export async function layoutEngine(): Promise<string> {
  return `Graphviz ${(await viz()).graphvizVersion} (WebAssembly, @viz-js/viz)`;
}

/** Lay out `dot` with the dot engine and return Graphviz's SVG (not yet checked). */
export async function renderDot(dot: string): Promise<GraphvizOutput> {
  const v = await viz();
  const result = v.render(dot, { format: 'svg', engine: 'dot' });
  // Warnings (a character Graphviz has no width for) do not stop the picture; errors do.
  const errors = result.errors.filter((e) => e.level !== 'warning').map((e) => e.message.trim());
  if (result.status !== 'success' || errors.length > 0) throw new GraphvizError(`Graphviz could not lay out the picture: ${errors.join('; ') || 'no output'}`);
  return { svg: result.output, version: v.graphvizVersion };
}

/**
 * Text as the inside of a DOT quoted string: control and invisible characters as visible markers
 * (text already marked stays as it is), backslash and quote escaped, and "&" written as "&amp;" so
 * that Graphviz prints an entity-looking host string ("&lt;") as the characters the host printed.
 */
export function dotText(text: string): string {
  return visible(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;');
}

/** A quoted DOT label of left-aligned lines (Graphviz's \l ends each one). */
export function dotLabel(lines: string[]): string {
  return `"${lines.map((l) => `${dotText(l)}\\l`).join('')}"`;
}

/** A quoted DOT string of one centred line. */
export function dotString(text: string): string {
  return `"${dotText(text)}"`;
}
