// Which raw files the folder vouches for: a raw artifact is evidence only when acquisition.json
// records it (a command's stdout/stderr, a preserved executable or an import) and the custody log has an event naming it
// with the same SHA-256. Anything else in raw/ (a planted file, the copy a failed import left) is not.
import type { Acquisition, ArtifactFile, CustodyEvent } from '../model.js';

export interface RawProblem {
  path: string;
  reason: string;
}

/** commands[].stdout/stderr and imports[].artifact: every raw file the acquisition vouches for. */
export function recordedArtifacts(acquisition: Partial<Acquisition>): ArtifactFile[] {
  const out: ArtifactFile[] = [];
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  for (const c of list(acquisition.commands)) {
    if (c?.stdout) out.push(c.stdout);
    if (c?.stderr) out.push(c.stderr);
    // Copies of socket owners' executables (issue 18); a copy shared by several PIDs is one file.
    for (const b of list(c?.binaries?.preserved)) if (b && b.sharedWith === undefined) out.push(b);
  }
  for (const i of list(acquisition.imports)) if (i?.artifact) out.push(i.artifact);
  return out;
}

/** Files under raw/ that acquisition.json or the custody log does not record (with why). */
export function unrecordedRawFiles(files: string[], acquisition: Partial<Acquisition>, custody: CustodyEvent[]): RawProblem[] {
  const recorded = new Map<string, string>();
  for (const a of recordedArtifacts(acquisition)) if (typeof a?.path === 'string' && typeof a.sha256 === 'string') recorded.set(a.path, a.sha256);
  const logged = new Set(custody.filter((e) => e && typeof e.object === 'string' && typeof e.sha256 === 'string').map((e) => `${e.object}\n${e.sha256}`));
  const problems: RawProblem[] = [];
  for (const path of files.filter((f) => f.startsWith('raw/'))) {
    const sha256 = recorded.get(path);
    if (sha256 === undefined) problems.push({ path, reason: 'not recorded in acquisition.json' });
    else if (!logged.has(`${path}\n${sha256}`)) problems.push({ path, reason: 'no custody event records it with the SHA-256 in acquisition.json' });
  }
  return problems;
}
