// When a process's name legitimately differs from its executable's basename. Sources: proc(5)
// (comm is the executed file name cut to 15 bytes, TASK_COMM_LEN; exe is the resolved binary, so a
// symlink such as /bin/sh -> dash gives comm "sh" and exe "dash"), busybox(1) applets, and the
// interpreters that run scripts under the script's name.

/** Families whose members stand for each other (sh runs dash, python3 runs python3.11 …). */
export const INTERPRETER_FAMILIES: RegExp[] = [
  /^(sh|ash|dash|bash|rbash|zsh|ksh|ksh93|mksh|pdksh|csh|tcsh|fish|busybox)$/,
  /^python[\d.]*$/,
  /^pypy[\d.]*$/,
  /^perl[\d.]*$/,
  /^ruby[\d.]*$/,
  /^(node|nodejs)$/,
  /^php[\d.]*(-fpm[\d.]*|-cgi[\d.]*)?$/,
  /^lua(jit)?[\d.]*$/,
  /^(tclsh|wish)[\d.]*$/,
  /^(awk|gawk|mawk|nawk|original-awk)$/,
  /^(java|javaw)$/,
  /^(pwsh|dotnet|mono|mono-sgen)$/,
  /^(rscript|r)$/,
  /^(deno|bun)$/,
];

/** Executables that are many programs in one (the applet's name is the process's name). */
export const MULTI_CALL = new Set(['busybox', 'toybox', 'toolbox']);

/** Script suffixes dropped before comparing a script's name with the process name. */
export const SCRIPT_SUFFIX = /\.(py|pyc|pl|pm|rb|js|mjs|cjs|ts|sh|bash|php|lua|tcl|jar|r)$/;

/**
 * Programs that name their own processes or threads differently from their executable (Firefox's
 * content processes, systemd's PAM helper …): executable basename → names it takes.
 */
export const SELF_NAMING: Record<string, string[]> = {
  firefox: ['web content', 'isolated web co', 'webextensions', 'socket process', 'rdd process', 'utility process', 'privileged cont', 'file content', 'forkserver', 'gpu process'],
  'firefox-bin': ['firefox', 'web content', 'isolated web co', 'webextensions', 'socket process', 'rdd process', 'utility process', 'privileged cont', 'file content', 'forkserver', 'gpu process'],
  'firefox-esr': ['firefox', 'web content', 'isolated web co', 'webextensions', 'socket process', 'rdd process', 'utility process', 'privileged cont', 'file content', 'forkserver', 'gpu process'],
  thunderbird: ['thunderbird-bin', 'web content', 'socket process', 'utility process'],
  systemd: ['(sd-pam)', 'init'],
  'systemd-executor': ['systemd', '(sd-pam)'],
};
