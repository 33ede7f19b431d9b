// Name masquerade scoring (RULES.md D): the raw name first (exactly a real name, as the OS writes it,
// is genuine; a name that only becomes one after NFKC, invisible-character stripping or look-alike
// folding is a masquerade), then a confusable skeleton (UTS #39 confusables.txt, generated table)
// and optimal-string-alignment Damerau-Levenshtein distance against the core names of the host's OS.
import { CONFUSABLE_GROUPS } from './confusables-table.js';
import { hasInvisible, stripInvisible } from './names.js';
import type { OsFamily } from './types.js';

export const CORE_NAMES: Record<Exclude<OsFamily, 'unknown'>, string[]> = {
  windows: [
    'system', 'smss', 'csrss', 'wininit', 'winlogon', 'services', 'lsass', 'lsaiso', 'lsm', 'svchost', 'explorer',
    'userinit', 'taskhost', 'taskhostw', 'runtimebroker', 'spoolsv', 'dwm', 'conhost', 'dllhost', 'fontdrvhost', 'wmiprvse',
  ],
  linux: [
    'systemd', 'init', 'kthreadd', 'sshd', 'ssh', 'cron', 'crond', 'rsyslogd', 'systemd-journald', 'systemd-logind',
    'systemd-udevd', 'systemd-resolved', 'systemd-networkd', 'systemd-timesyncd', 'dbus-daemon', 'networkmanager', 'agetty',
    'auditd', 'polkitd', 'chronyd', 'ntpd', 'dhclient', 'kworker', 'ksoftirqd', 'kswapd0',
  ],
  bsd: [
    'launchd', 'kernel_task', 'windowserver', 'loginwindow', 'mdnsresponder', 'syslogd', 'configd', 'cfprefsd', 'distnoted',
    'trustd', 'securityd', 'opendirectoryd', 'mds', 'sshd', 'init', 'cron',
  ],
};

// Real names that sit near a core name (ssh→sh, sshd→sssd, dllhost→dashost ...): never a hit.
export const KNOWN_GOOD: Record<Exclude<OsFamily, 'unknown'>, string[]> = {
  windows: [
    'system idle process', 'registry', 'memory compression', 'secure system', 'taskhostex', 'sihost', 'dashost', 'searchhost',
    'searchapp', 'searchindexer', 'ctfmon', 'smartscreen', 'audiodg', 'wudfhost', 'backgroundtaskhost', 'msmpeng', 'nissrv',
    'lsaiso', 'wlms', 'sppsvc', 'vmms', 'vmwp', 'vmcompute', 'cmd', 'powershell', 'pwsh',
  ],
  linux: [
    'sh', 'ss', 'bash', 'sssd', 'crun', 'runc', 'tini', 'getty', 'mingetty', 'crontab', 'sshfs', 'ssh-agent', 'sshd-session',
    'sshd-auth', 'dhcpcd', 'ntpdate', 'systemd-resolve', 'systemd-journal', 'systemd-network', 'systemd-timesyn',
    'systemd-userdbd', 'systemd-userwor', 'systemd-oomd', 'systemd-machined', 'systemd-homed', 'chrony', 'snmpd', 'rsyslog',
    'auditctl', 'anacron', 'atd',
  ],
  bsd: ['mdnsresponderhelper', 'syslog', 'mds_stores', 'mdworker', 'mdworker_shared', 'securityd_service', 'trustdfilehelper'],
};

// Unicode's confusables (every character whose prototype is ASCII), from the generated table.
const CONFUSABLE = new Map<string, string>();
for (const [prototype, chars] of CONFUSABLE_GROUPS) for (const c of chars) CONFUSABLE.set(c, prototype);
// Linux names are case-sensitive: the real spelling of core names that are not all lower case.
export const LINUX_CASED = new Map([['networkmanager', 'NetworkManager']]);

// ASCII look-alikes confusables.txt leaves out (RULES.md D.3), applied after it.
export const ASCII_FOLD: [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
  [/0/g, 'o'],
  [/[1i|!]/g, 'l'],
  [/[5$]/g, 's'],
  [/3/g, 'e'],
  [/[4@]/g, 'a'],
];

const fold = (s: string): string => [...s].map((c) => CONFUSABLE.get(c) ?? c).join('');

/** NFKC, invisible characters removed, confusables folded (before and after lower-casing: I→l). */
export function skeleton(name: string): string {
  let s = fold(stripInvisible(name.normalize('NFKC')));
  s = fold(s.toLowerCase()).toLowerCase();
  for (const [re, to] of ASCII_FOLD) s = s.replace(re, to);
  return s;
}

/** Optimal string alignment distance (transposition of neighbours counts as one edit). */
export function osaDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) (rows[i] as number[])[0] = i;
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (rows[i - 2] as number[])[j - 2] as number + 1);
      row[j] = v;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Equal length and exactly one differing position: a plain substitution. */
function isSingleSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 1;
}

export interface MasqueradeMatch {
  core: string;
  /** What makes the name a look-alike, for the finding's detail. */
  reason: string;
}

function familiesOf(os: OsFamily): Exclude<OsFamily, 'unknown'>[] {
  return os === 'unknown' ? ['windows', 'linux', 'bsd'] : [os];
}

/**
 * The raw name is a real name as the OS writes it: printable ASCII only, no normalisation. Windows and
 * macOS compare file names without case (NTFS, APFS); Linux compares them exactly.
 */
function genuine(raw: string, families: Exclude<OsFamily, 'unknown'>[]): boolean {
  if (!/^[\x20-\x7e]+$/.test(raw)) return false;
  for (const f of families) {
    const names = new Set([...CORE_NAMES[f], ...KNOWN_GOOD[f]]);
    if (f === 'linux') {
      const key = raw.toLowerCase();
      const real = names.has(key) ? (LINUX_CASED.get(key) ?? key) : null;
      if (real === raw || truncatedRealName(raw, new Set([...names].map((n) => LINUX_CASED.get(n) ?? n)))) return true;
      continue;
    }
    const key = raw.toLowerCase().replace(/\.exe$/, '');
    if (names.has(key) || truncatedRealName(key, names)) return true;
  }
  return false;
}

/** Invisible characters, trailing dots/spaces and doubled or disguising extensions removed. */
function cleanedStem(raw: string): string {
  let s = stripInvisible(raw.normalize('NFKC')).toLowerCase().trim();
  for (let i = 0; i < 3; i++) s = s.replace(/[.\s]+$/, '').replace(/\.(exe|com|scr|pif|bat|cmd)$/, '');
  return s.replace(/\s+$/, '');
}

/**
 * Linux comm is cut at 15 characters and netstat -p cuts program names further ("systemd-resolv"):
 * a long prefix of a real name is that real name, not a look-alike.
 */
function truncatedRealName(key: string, names: Set<string>): boolean {
  if (key.length < 12) return false;
  for (const n of names) if (n.length > key.length && n.startsWith(key)) return true;
  return false;
}

/**
 * Is `raw` (a process name or image basename) a look-alike of a core name of the OS? Real names
 * (core or known-good) never match; others match on equal skeletons, a small edit distance, or a
 * core name with a numeric suffix (svchost32).
 */
export function masqueradeMatch(raw: string, os: OsFamily): MasqueradeMatch | null {
  const families = familiesOf(os);
  // A Windows image name on another OS (srss.exe on Linux) is scored against the Windows names too.
  if (!families.includes('windows') && /\.(exe|com|scr)[.\s]*$/i.test(stripInvisible(raw))) families.push('windows');
  // Exact bytes first: NFKC would make full-width ｓｖｃｈｏｓｔ.exe "svchost.exe".
  if (genuine(raw, families)) return null;
  const stem = cleanedStem(raw);
  if (stem === '') return null;
  const skel = skeleton(stem);
  const invisible = hasInvisible(raw);
  const numbered = /^(.*?)\d{1,3}$/.exec(stem);
  for (const f of families) {
    for (const core of CORE_NAMES[f]) {
      const coreSkel = skeleton(core);
      if (skel === coreSkel) {
        const why = invisible
          ? 'contains invisible or bidi control characters'
          : raw.normalize('NFKC') !== raw && stem === core
            ? 'written in full-width or other compatibility characters that only normalise (NFKC) to the real name'
            : stem === core
              ? 'the real name with a disguised extension, spacing, padding or letter case'
              : 'looks identical once look-alike characters (Unicode confusables) are folded';
        return { core, reason: why };
      }
      if (core.length >= 5 && numbered?.[1] && skeleton(numbered[1]) === coreSkel) {
        return { core, reason: `the core name with the numeric suffix "${stem.slice(numbered[1].length)}"` };
      }
      const limit = core.length >= 9 ? 2 : 1;
      const d = osaDistance(skel, coreSkel, limit);
      if (d > limit) continue;
      // Short names: one substituted letter is too common among real tools (sssd/sshd).
      if (core.length <= 5 && isSingleSubstitution(skel, coreSkel)) continue;
      return { core, reason: `${d} edit${d > 1 ? 's' : ''} away (insertion, deletion, substitution or swap)` };
    }
  }
  // Bidi overrides and zero-width characters have no place in a program name (RTLO, T1036.002).
  if (invisible) {
    const inside = families.flatMap((f) => CORE_NAMES[f]).filter((c) => skel.includes(skeleton(c)));
    const core = inside.sort((a, b) => b.length - a.length)[0] ?? '';
    return { core, reason: 'contains invisible or bidi control characters that reorder or hide its real name' };
  }
  return null;
}

/** The part of a printed name to score: basename of a path, first word of a rewritten title ("sshd: bob"). */
export function nameCandidate(raw: string): string {
  // No normalisation here: masqueradeMatch must see the bytes the host printed.
  let s = raw.trim();
  if (s.startsWith('/') || s.includes('\\')) s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
  const title = /^([^\s:]+):(\s|$)/.exec(s);
  return title?.[1] ?? s;
}
