// Where dropped implants live (RULES.md A17/A18): scratch, shared and hidden locations.

export const NIX_TEMP = /^\/(tmp|var\/tmp|dev\/shm|run\/shm|var\/run|var\/lock|run\/lock|private\/tmp|private\/var\/tmp|users\/shared)\//i;
// Hidden directories of common developer tooling under home directories: not suspicious by themselves.
export const NIX_HIDDEN_OK = /\/\.(vscode-server|vscode-server-insiders|cursor-server|windsurf-server|cargo|rustup|nvm|pyenv|rbenv|sdkman|volta|deno|bun|npm|dotnet|local\/bin|local\/share\/(jetbrains|steam)|cache\/jetbrains|go)\//i;
export const WIN_SUSPICIOUS = [
  '\\$recycle.bin\\', '\\perflogs\\', '\\temp\\', '\\users\\default\\', '\\users\\public\\', '\\windows\\fonts\\', '\\windows\\ime\\',
  '\\windows\\tasks\\', '\\system32\\tasks\\', '\\config\\systemprofile\\', '\\windows\\addins\\', '\\windows\\debug\\',
];

/** Why a Unix path is suspicious, or null. */
export function suspiciousUnixPath(path: string): string | null {
  if (!path.startsWith('/') || path.startsWith('/memfd:')) return null;
  if (NIX_TEMP.test(path)) return 'in a world-writable temporary directory';
  if (/\/\.[^/]+/.test(path) && !NIX_HIDDEN_OK.test(path)) return 'in a hidden directory or with a hidden file name';
  return null;
}

/** Why a Windows path is suspicious, or null. */
export function suspiciousWindowsPath(path: string): string | null {
  if (!path.includes('\\')) return null;
  const lower = path.toLowerCase();
  const hit = WIN_SUSPICIOUS.find((d) => lower.includes(d));
  return hit ? `in ${hit.slice(0, -1)}` : null;
}
