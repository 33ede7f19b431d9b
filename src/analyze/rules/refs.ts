// Reference URLs shared by rule metadata (see ../shared/RULES.md, References).

/** https://attack.mitre.org/techniques/T1036/005/ for "T1036.005". */
export function attackUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

export const REF = {
  sigmaNet: 'https://github.com/SigmaHQ/sigma/tree/master/rules/windows/network_connection',
  sigmaLinuxNet: 'https://github.com/SigmaHQ/sigma/tree/master/rules/linux/network_connection',
  nmapServices: 'https://github.com/nmap/nmap/blob/master/nmap-services',
  iana: 'https://www.iana.org/assignments/service-names-port-numbers',
  huntEvil: 'https://www.sans.org/posters/hunt-evil/',
  sansLinux: 'http://www.sans.org/resources/linsacheatsheet.pdf',
  sansWindows: 'http://www.sans.org/resources/winsacheatsheet.pdf',
  velociraptorNetstat: 'https://github.com/Velocidex/velociraptor/tree/master/artifacts/definitions/Linux/Network',
  elastic: 'https://github.com/elastic/detection-rules',
  malcontentFakeName: 'https://github.com/chainguard-dev/malcontent/blob/main/rules/evasion/fake-process-name.yara',
  uts39: 'https://www.unicode.org/reports/tr39/',
  damerau: 'https://www.logpoint.com/en/blog/detecting-attacks-that-target-human-error-using-the-damerau-levenshtein-distance/',
  torrc: 'https://gitlab.torproject.org/tpo/core/tor/-/blob/main/src/config/torrc.sample.in',
  nullRoute: 'https://www.cyberciti.biz/tips/how-do-i-drop-or-block-attackers-ip-with-null-routes.html',
  tunnelVision: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3661',
  persistentRoutes: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/add-static-routes',
  forensicsProcess: 'https://wongkenny240.gitbook.io/computerforensics/memory-analysis/process',
  metasploitHandler: 'https://github.com/rapid7/metasploit-framework/tree/master/lib/msf/core/handler',
} as const;
