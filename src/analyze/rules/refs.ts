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
  velociraptorNetstat: 'https://github.com/Velocidex/velociraptor/tree/master/artifacts/definitions/Linux/Network',
  elastic: 'https://github.com/elastic/detection-rules',
  malcontentFakeName: 'https://github.com/chainguard-dev/malcontent/blob/main/rules/evasion/fake-process-name.yara',
  uts39: 'https://www.unicode.org/reports/tr39/',
  damerau: 'https://www.logpoint.com/en/blog/detecting-attacks-that-target-human-error-using-the-damerau-levenshtein-distance/',
  torrc: 'https://gitlab.torproject.org/tpo/core/tor/-/blob/main/src/config/torrc.sample.in',
  tunnelVision: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3661',
  persistentRoutes: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/add-static-routes',
  metasploitHandler: 'https://github.com/rapid7/metasploit-framework/tree/master/lib/msf/core/handler',
  // Manuals of the tools whose output is the evidence, per OS.
  netstat8: 'https://man7.org/linux/man-pages/man8/netstat.8.html',
  ss8: 'https://man7.org/linux/man-pages/man8/ss.8.html',
  ipRoute8: 'https://man7.org/linux/man-pages/man8/ip-route.8.html',
  proc5: 'https://man7.org/linux/man-pages/man5/proc.5.html',
  memfdCreate2: 'https://man7.org/linux/man-pages/man2/memfd_create.2.html',
  packet7: 'https://man7.org/linux/man-pages/man7/packet.7.html',
  raw7: 'https://man7.org/linux/man-pages/man7/raw.7.html',
  netstatWin: 'https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/netstat',
  routeWin: 'https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/route_ws2008',
  winPorts: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/service-overview-and-network-port-requirements',
  netstatBsd: 'https://man.freebsd.org/cgi/man.cgi?query=netstat&sektion=1',
  applePorts: 'https://support.apple.com/en-us/103229',
} as const;
