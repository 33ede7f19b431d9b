import type { ProcessInfo, Rule, RuleHit } from '../types.js';
import { INTERPRETER_FAMILIES, MULTI_CALL, SCRIPT_SUFFIX, SELF_NAMING } from '../knowledge/exe-names.js';
import { basename, procKey, safeText } from '../names.js';
import { describeProcess, processHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// The kernel keeps 15 bytes of a process name (TASK_COMM_LEN 16 with the NUL, proc(5)).
const COMM_LEN = 15;
// net-tools netstat -p prints "PID/name" cut to 19 characters ("31207/systemd-resol").
const NETSTAT_PROG_WIDTH = 19;

function family(key: string): number {
  return INTERPRETER_FAMILIES.findIndex((re) => re.test(key));
}

/** Whether a process shown as `name` may legitimately run the executable `exe` (both procKey form). */
export function nameFitsExe(name: string, exe: string, cmdline: string[] | null, pid?: number): boolean {
  if (name === exe || MULTI_CALL.has(exe)) return true;
  // A program that re-executes itself through /proc/self/exe gets the kernel name "exe" (Chromium's
  // zygote, runc): the executable link still names the file that runs, so the name hides nothing.
  if (name === 'exe') return true;
  if (pid !== undefined && `${pid}/${name}`.length >= NETSTAT_PROG_WIDTH && exe.startsWith(name)) return true;
  // python3 → python3.11, perl → perl5.36.0; nc → nc.openbsd (Debian alternatives).
  if (exe.startsWith(name) && /^[\d._-]*$/.test(exe.slice(name.length))) return true;
  if (exe.startsWith(`${name}.`)) return true;
  if (name.length >= COMM_LEN && exe.startsWith(name)) return true;
  const fam = family(exe);
  if (fam >= 0) {
    if (family(name) === fam) return true;
    // A script run by its interpreter carries the script's name.
    for (const arg of (cmdline ?? []).slice(1, 4)) {
      const script = (procKey(basename(arg)) ?? '').replace(SCRIPT_SUFFIX, '');
      if (script && (script === name || (name.length >= COMM_LEN && script.startsWith(name)))) return true;
    }
  }
  return (SELF_NAMING[exe] ?? []).includes(name);
}

/** The names a process is shown under (tools, comm, argv[0]) that its executable does not explain. */
function mismatches(p: ProcessInfo): { exe: string; names: string[] } | null {
  const raw = p.facts?.exe ?? p.exe;
  if (!raw || raw.startsWith('/memfd:')) return null;
  const exe = procKey(basename(raw.replace(/ \(deleted\)$/, '')));
  if (!exe) return null;
  const names = new Set<string>();
  const shown = [...p.rawNames.filter((n) => n !== basename(raw.replace(/ \(deleted\)$/, ''))), p.facts?.comm ?? ''];
  // A process title rewritten as one string (setproctitle: Chromium, postgres) holds the whole command
  // line in argv[0], and a tool's basename of it ends inside an argument ("profile --type=…"): the
  // program's name is the title's first word.
  const title = p.facts?.cmdline?.[0];
  const titleName = title && title.includes(' ') ? basename(title.split(' ')[0]) : null;
  for (const shownName of shown) {
    const n = titleName && shownName.includes(' ') ? titleName : shownName;
    // "[kworker/0:2]" is a kernel-thread title: PROC-KTHREAD-FAKE judges those; "-bash" is a login shell.
    if (!n || n.startsWith('[')) continue;
    const key = procKey(n.replace(/^-/, ''));
    if (key && !nameFitsExe(key, exe, p.facts?.cmdline ?? null, p.pid)) names.add(n);
  }
  return names.size ? { exe: raw, names: [...names] } : null;
}

export const procNameExeMismatch: Rule = {
  meta: {
    id: 'PROC-NAME-EXE-MISMATCH',
    title: "Process name does not match its executable",
    plain: 'the name it shows does not match the program file it actually runs',
    severity: 'medium',
    description:
      'A process shown under a name (by netstat/ss, its comm or argv[0]) that is not the basename of its executable (/proc/PID/exe): "sshd" or "nginx" running /usr/bin/node. Interpreters running a script of that name, members of one interpreter family (sh → dash, python3 → python3.11), the kernel\'s 15-byte name truncation, multi-call binaries (busybox applets) and programs known to name their own processes are allowed.',
    rationale: 'A program can choose the name it shows (prctl, overwriting its arguments), so a tool list reading "sshd" proves nothing; the executable link is set by the kernel at exec time and names the file actually running.',
    falsePositives: 'Programs that set their own title (node process.title, daemons renaming workers), and scripts started through an interpreter with an unusual argument order.',
    attack: ['T1036.005', 'T1036.011'],
    references: [attackUrl('T1036.005'), attackUrl('T1036.011'), REF.proc5],
    subject: 'process',
    nameBased: true,
    os: ['linux', 'bsd'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const m = mismatches(p);
      if (!m) continue;
      const names = m.names.map((n) => `"${safeText(n)}"`).join(', ');
      hits.push(processHit(p, p.sockets, `${describeProcess(p)} is shown as ${names}, but its executable is ${safeText(m.exe)} (file name "${safeText(basename(m.exe.replace(/ \(deleted\)$/, '')))}").`));
    }
    return hits;
  },
};
