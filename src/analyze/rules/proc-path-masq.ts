import type { Rule, RuleHit } from '../types.js';
import { safeText } from '../names.js';
import { describeProcess, processHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// Windows core images live in %SystemRoot%\System32 (explorer in %SystemRoot%); the ones that
// also exist as 32-bit copies may run from SysWOW64.
const WIN_CORE = new Set(['smss', 'csrss', 'wininit', 'winlogon', 'services', 'lsass', 'lsaiso', 'lsm', 'svchost', 'userinit', 'taskhost', 'taskhostw', 'runtimebroker', 'spoolsv', 'dwm', 'conhost', 'dllhost', 'fontdrvhost', 'rundll32']);
const WOW64_OK = new Set(['svchost', 'dllhost', 'rundll32', 'conhost', 'runtimebroker']);
const LINUX_CORE = new Set(['sshd', 'systemd', 'init', 'cron', 'crond', 'rsyslogd', 'dbus-daemon', 'networkmanager', 'chronyd', 'ntpd', 'auditd', 'polkitd', 'agetty', 'dhclient', 'systemd-journald', 'systemd-logind', 'systemd-udevd', 'systemd-resolved', 'systemd-networkd', 'systemd-timesyncd']);
const LINUX_SYSTEM_DIRS = /^\/(usr\/|bin\/|sbin\/|lib\/|lib64\/|libexec\/|nix\/store\/|gnu\/store\/|snap\/core)/;

/** Lowercase, %SystemRoot% / \SystemRoot\ / \\?\ resolved to a drive path. */
function windowsPath(exe: string): string {
  return exe
    .toLowerCase()
    .replace(/^\\\\\?\\|^\\\?\?\\/, '')
    .replace(/^(%systemroot%|\\systemroot)/, 'c:\\windows')
    .replace(/^%windir%/, 'c:\\windows');
}

function expectedWindows(name: string, path: string): boolean {
  if (name === 'explorer') return /^[a-z]:\\windows\\explorer\.exe$/.test(path);
  if (name === 'wmiprvse') return /^[a-z]:\\windows\\(system32|syswow64)\\wbem\\wmiprvse\.exe$/.test(path);
  const dirs = WOW64_OK.has(name) ? '(system32|syswow64)' : 'system32';
  return new RegExp(`^[a-z]:\\\\windows\\\\${dirs}\\\\${name}\\.exe$`).test(path);
}

export const procPathMasq: Rule = {
  meta: {
    id: 'PROC-PATH-MASQ',
    title: 'Core process name running from the wrong directory',
    plain: 'it carries the name of a core operating-system program but runs from the wrong folder',
    severity: 'critical',
    description:
      'A process with the exact name of a core system process runs from an unexpected path: Windows images outside %SystemRoot%\\System32 (SysWOW64 allowed for svchost/dllhost/rundll32/conhost; explorer in %SystemRoot%) are critical; Linux core daemons outside /usr, /bin, /sbin, /lib are high.',
    rationale: 'A real name in a fake location is the simplest masquerade: the name passes a glance, the path does not.',
    falsePositives: 'Windows installed on another folder (resolved drive letters are accepted); Linux distributions with unusual prefixes.',
    attack: ['T1036.005'],
    references: [attackUrl('T1036.005'), REF.huntEvil],
    subject: 'process',
    nameBased: true,
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (!p.exe) continue;
      const exe = p.exe;
      const winPath = /^([a-z]:)?\\|^%|^\\\\/i.test(exe) || /^[a-z]:/i.test(exe);
      const base = (exe.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
      if (winPath && WIN_CORE.has(base) && !expectedWindows(base, windowsPath(exe))) {
        hits.push(processHit(p, p.sockets, `${describeProcess(p)}: ${base}.exe runs from ${safeText(exe)} instead of %SystemRoot%\\System32.`));
      } else if (!winPath && exe.startsWith('/') && LINUX_CORE.has(base) && !LINUX_SYSTEM_DIRS.test(exe) && !exe.startsWith('/memfd:')) {
        hits.push(processHit(p, p.sockets, `${describeProcess(p)}: system daemon name "${base}" runs from ${safeText(exe)}, outside the system directories.`, 'high'));
      }
    }
    return hits;
  },
};
