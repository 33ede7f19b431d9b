// The PowerShell kit's copies of socket owners' executables (issue 18). UNTESTED ON WINDOWS, like the
// rest of the PowerShell kit. Socket owners are the PIDs of the kit's own netstat outputs; each
// process's Path (Get-Process) is hashed with the kit's tool, copied with Copy-Item -LiteralPath into
// exe-PID.bin and the copy hashed again: import compares the two hashes (Windows has no reader hash).
// Selection, from the analyzer's data: --preserve-binaries all; a suspicious Windows folder
// (WIN_SUSPICIOUS, the A18 rule's list); a core Windows process name running outside %SystemRoot%.
// Narrower than the Linux kit: look-alike names (svch0st.exe) are not scored here; the lab scores
// them at analyze time from netstat -b and tasklist.
// Manifest lines: those of sh-binaries.ts, plus bin.PID.srcsha256 (hash of the file at Path).
import { CORE_NAMES } from '../../analyze/masquerade.js';
import { WIN_SUSPICIOUS } from '../../analyze/rules/susp-path.js';
import type { PreservePolicy } from '../../model.js';
import { psQuote } from './ps1-script.js';

/** The K-Binaries function; call it with the stdout names (NN-id) of the steps that list socket owners. */
export function ps1BinariesFunction(policy: Exclude<PreservePolicy, 'none'>, maxBytes: number): string {
  return `$kBinPolicy = ${psQuote(policy)}
$kBinMax = ${maxBytes}
$kWinDirs = @(${WIN_SUSPICIOUS.map(psQuote).join(', ')})
$kWinCore = @(${CORE_NAMES.windows.map(psQuote).join(', ')})
function K-Binaries([string[]]$Outputs) {
  K-Put 'binaries.start' (K-Now)
  $pids = New-Object Collections.Generic.List[int]
  foreach ($o in $Outputs) {
    $f = Join-Path $kDir "$o.stdout"
    if (-not (Test-Path -LiteralPath $f)) { continue }
    foreach ($l in [IO.File]::ReadAllLines($f)) { if ($l -match '^\\s*(TCP|UDP)\\s.*\\s(\\d+)\\s*$') { $n = [int]$Matches[2]; if ($n -gt 4 -and -not $pids.Contains($n)) { $pids.Add($n) } } }
  }
  $copied = @{}
  foreach ($n in $pids) {
    $p = Get-Process -Id $n -ErrorAction SilentlyContinue
    if ($null -eq $p) { continue }
    $path = $null
    try { $path = $p.Path } catch { }
    $codes = @()
    if ($kBinPolicy -eq 'all') { $codes += 'all' }
    if ($path) {
      $low = $path.ToLowerInvariant()
      foreach ($d in $kWinDirs) { if ($low.Contains($d)) { $codes += 'temp'; break } }
      $base = [IO.Path]::GetFileNameWithoutExtension($path).ToLowerInvariant()
      if (($kWinCore -contains $base) -and -not $low.StartsWith(($env:SystemRoot + '\\').ToLowerInvariant())) { $codes += 'name' }
    }
    if ($codes.Count -eq 0) { continue }
    $l = @("bin.$n.exe=$(K-Enc $path)", "bin.$n.reasons=$($codes -join ',')")
    $size = $null
    if ($path) { try { $size = (Get-Item -LiteralPath $path -ErrorAction Stop).Length } catch { } }
    if ($null -eq $size) { $l += "bin.$n.skipped=unreadable" }
    elseif ($size -gt $kBinMax) { $l += "bin.$n.size=$size"; $l += "bin.$n.skipped=over-cap" }
    else {
      $l += "bin.$n.size=$size"
      $src = K-Sha $path
      $l += "bin.$n.srcsha256=$src"
      if ($src -and $copied.ContainsKey($src)) { $l += "bin.$n.shared=$($copied[$src])" }
      else {
        $name = "exe-$n.bin"
        $dest = Join-Path $kDir $name
        $rc = 0
        try { Copy-Item -LiteralPath $path -Destination $dest -ErrorAction Stop } catch { $rc = 1 }
        if (-not (Test-Path -LiteralPath $dest)) { $l += "bin.$n.skipped=unreadable" }
        else {
          $l += "bin.$n.exit=$rc"; $l += "bin.$n.file=$name"
          $l += "bin.$n.bytes=$((Get-Item -LiteralPath $dest).Length)"; $l += "bin.$n.sha256=$(K-Sha $dest)"
          if ($src) { $copied[$src] = $n }
        }
      }
    }
    [IO.File]::AppendAllText($kM, (($l -join "\`n") + "\`n"), [Text.Encoding]::ASCII)
  }
  K-Put 'binaries.end' (K-Now)
  K-Put 'binaries.done' '1'
}
`;
}
