// `import --kit RESULTS...`: each kit result (folder or tar) becomes its own evidence folder. One
// that fails does not stop the others; the exit code is the worst one.
import { EvidenceError } from '../evidence/folder.js';
import { defaultCaseId, defaultExaminer, EXIT, printJson, reportError, terminalSafe } from './common.js';
import type { ExaminerChoice } from './examiner.js';

const FILE_ONLY = ['command', 'os', 'host', 'capturedAt', 'capturedBy', 'into'] as const;

export async function importKitAction(sources: string[], opts: Record<string, unknown>, who: ExaminerChoice, log: (line: string) => void): Promise<number> {
  const given = FILE_ONLY.filter((k) => opts[k] !== undefined);
  if (given.length || (Array.isArray(opts.sourceHash) && opts.sourceHash.length)) {
    throw new EvidenceError(`--kit takes the kit's own records: ${[...given, ...(Array.isArray(opts.sourceHash) && opts.sourceHash.length ? ['sourceHash'] : [])].map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} cannot be used with it`, 'netcustody import --kit RESULTS_DIR|RESULTS.tar... [--case ID] [--examiner NAME]', EXIT.usage);
  }
  const { importKit } = await import('../collect/import-kit.js');
  const done: Record<string, unknown>[] = [];
  let code: number = EXIT.ok;
  for (const source of sources) {
    try {
      const r = await importKit(source, { out: String(opts.out), caseId: who.caseId ?? defaultCaseId(), examiner: who.name ?? defaultExaminer(), organisation: who.organisation, role: who.role });
      const k = r.kit;
      log(`kit results ${source}: netcustody kit ${k.version} for ${k.os}, run ${k.runStart ?? '?'} → ${k.runEnd ?? 'not finished'} (host clock)`);
      log(k.scriptMatches ? `  script ${k.script} SHA-256 ${k.scriptSha256} = the script this netcustody version generates` : `  DIFFERENT SCRIPT: ${k.script} version ${k.version}, SHA-256 ${k.scriptSha256 ?? 'not taken on the host'}; this netcustody version generates ${k.expectedScriptSha256} (reported, not rejected)`);
      for (const c of r.acquisition.commands) log(`  ${c.stdout ? 'verified ' : 'MISSING  '}  ${c.stdout ? `${c.stdout.path}  sha256 ${c.stdout.sha256}` : `${String(c.order).padStart(2, '0')}-${c.id}: ${c.error}`}`);
      for (const c of r.acquisition.commands) {
        for (const b of c.binaries?.preserved ?? []) log(`  ${b.incomplete ? 'INCOMPLETE' : 'verified '} ${b.path}  sha256 ${b.sha256} (PID ${b.pid}${b.sharedWith !== undefined ? `, same file as PID ${b.sharedWith}` : ''})${b.incomplete ? `: ${terminalSafe(b.incomplete)}` : ''}`);
        for (const s of c.binaries?.skipped ?? []) log(`  not copied  PID ${s.pid}: ${terminalSafe(s.why)}`);
      }
      if (k.unrecordedFiles.length) log(`  not imported (no complete record by the kit): ${k.unrecordedFiles.join(', ')}`);
      if (k.missingSteps.length) log(`  warning: the kit did not finish; missing outputs: ${k.missingSteps.join(', ')} (recorded as failed commands)`);
      log(`evidence folder: ${r.dir}`);
      done.push({ source, evidenceDir: r.dir, evidenceId: r.evidenceId, status: r.acquisition.status, kit: { version: k.version, os: k.os, scriptSha256: k.scriptSha256, expectedScriptSha256: k.expectedScriptSha256, scriptMatches: k.scriptMatches, missingSteps: k.missingSteps, unrecordedFiles: k.unrecordedFiles } });
    } catch (err) {
      const c = reportError(err, { json: Boolean(opts.json), debug: Boolean(opts.debug) });
      code = Math.max(code, c);
      done.push({ source, error: err instanceof Error ? err.message : String(err) });
      if (sources.length > 1) process.stderr.write(`netcustody: ${terminalSafe(source)}: not imported; going on with the others\n`);
    }
  }
  if (opts.json) {
    const ok = done.filter((d) => d.evidenceDir);
    printJson({ ...(ok.length === 1 && sources.length === 1 ? { evidenceDir: ok[0].evidenceDir } : {}), imports: done });
  }
  return code;
}
