// Well-known port → service name, for labels in the report and for "expected listener" decisions.
// A small table on purpose (IANA / nmap-services names); it is not a port scanner database.

const TCP_UDP: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'domain', 67: 'dhcp-server', 68: 'dhcp-client',
  69: 'tftp', 80: 'http', 88: 'kerberos', 110: 'pop3', 111: 'sunrpc', 119: 'nntp', 123: 'ntp', 135: 'msrpc',
  137: 'netbios-ns', 138: 'netbios-dgm', 139: 'netbios-ssn', 143: 'imap', 161: 'snmp', 162: 'snmptrap', 179: 'bgp',
  389: 'ldap', 443: 'https', 445: 'microsoft-ds', 464: 'kpasswd', 465: 'smtps', 500: 'isakmp', 512: 'exec',
  513: 'login', 514: 'shell', 515: 'printer', 520: 'rip', 546: 'dhcpv6-client', 547: 'dhcpv6-server', 548: 'afp',
  554: 'rtsp', 587: 'submission', 623: 'ipmi', 631: 'ipp', 636: 'ldaps', 853: 'domain-s', 873: 'rsync', 902: 'vmware-authd',
  912: 'vmware-authd', 989: 'ftps-data', 990: 'ftps', 993: 'imaps', 995: 'pop3s', 1080: 'socks', 1194: 'openvpn',
  1433: 'ms-sql-s', 1434: 'ms-sql-m', 1521: 'oracle', 1701: 'l2tp', 1723: 'pptp', 1812: 'radius', 1883: 'mqtt',
  1900: 'ssdp', 2049: 'nfs', 2375: 'docker', 2376: 'docker-s', 2379: 'etcd-client', 2380: 'etcd-server',
  2869: 'icslap', 3128: 'squid-http', 3268: 'globalcat-ldap', 3269: 'globalcat-ldaps', 3306: 'mysql', 3389: 'ms-wbt-server',
  3478: 'stun', 3702: 'ws-discovery', 4444: 'krb524', 4500: 'ipsec-nat-t', 4789: 'vxlan', 4899: 'radmin', 5000: 'upnp',
  5353: 'mdns', 5355: 'llmnr', 5357: 'wsdapi', 5432: 'postgresql', 5672: 'amqp', 5800: 'vnc-http', 5900: 'vnc',
  5901: 'vnc-1', 5938: 'teamviewer', 5985: 'wsman', 5986: 'wsmans', 6379: 'redis', 6443: 'kubernetes-api',
  6667: 'irc', 6697: 'ircs', 7070: 'anydesk', 8000: 'http-alt', 8080: 'http-proxy', 8443: 'https-alt',
  8888: 'http-alt', 9000: 'cslistener', 9001: 'tor-orport', 9050: 'tor-socks', 9090: 'zeus-admin', 9100: 'jetdirect',
  9200: 'elasticsearch', 10250: 'kubelet', 11211: 'memcache', 27017: 'mongodb', 47001: 'winrm-httpsys', 51820: 'wireguard',
};

/** Service name for a port, or null. */
export function serviceName(port: number | null): string | null {
  if (port === null) return null;
  return TCP_UDP[port] ?? null;
}

/** Windows dynamic port range (RPC endpoints, ephemeral listeners of system services). */
export function isWindowsDynamicPort(port: number | null): boolean {
  return port !== null && port >= 49152 && port <= 65535;
}
