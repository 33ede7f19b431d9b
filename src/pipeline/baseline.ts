import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { EvidenceError, PATHS } from '../evidence/folder.js';
import { assertNoLinks } from '../evidence/links.js';

export interface OpenedBaseline {
  dir: string;
  label: string;
  cleanup(): void;
}

/** An earlier capture of the same host: an evidence folder, or a bundle zip read safely. */
export async function openBaseline(path: string): Promise<OpenedBaseline> {
  if (!existsSync(path)) throw new EvidenceError(`--baseline ${path}: no such file or folder`, undefined, 2);
  if (statSync(path).isDirectory()) {
    if (!existsSync(`${path}/${PATHS.acquisition}`)) throw new EvidenceError(`--baseline ${path}: not an evidence folder (no acquisition.json)`, undefined, 2);
    // Only read, but read as evidence: a link inside it would bring another file's bytes into the analysis.
    assertNoLinks(path, 'use as a baseline');
    return { dir: path, label: basename(path), cleanup: () => {} };
  }
  const { extractBundle } = await import('../bundle/extract.js');
  const extracted = await extractBundle(path);
  return { dir: extracted.dir, label: basename(path), cleanup: extracted.cleanup };
}
