// Listeners every Windows 10/11 and Server 2016+ host opens with its default services. Sources:
// Microsoft "Service overview and network port requirements for Windows" and "The default dynamic
// port range for TCP/IP has changed" (49152–65535; the RPC endpoints of the core services take the
// first ports of that range at boot).
import type { OsKnowledge } from './types.js';

const PORTS = 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/service-overview-and-network-port-requirements';
const DYNAMIC = 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/default-dynamic-port-range-tcpip-chang';

export const WINDOWS: OsKnowledge = {
  listeners: [
    { names: ['svchost'], services: ['RpcSs', 'RpcEptMapper'], protocol: 'tcp', ports: [135, 135], what: 'the RPC endpoint mapper (service RpcSs)', source: PORTS },
    { names: ['system'], protocol: 'tcp', ports: [139, 139], what: 'NetBIOS session service of the kernel (file and printer sharing)', source: PORTS },
    { names: ['system'], protocol: 'tcp', ports: [445, 445], what: 'SMB file sharing of the kernel', source: PORTS },
    { names: ['system'], protocol: 'udp', ports: [137, 138], what: 'NetBIOS name and datagram services of the kernel', source: PORTS },
    { names: ['system'], protocol: 'tcp', ports: [5357, 5358], what: 'Web Services on Devices (WSD) through HTTP.sys', source: PORTS },
    { names: ['system'], protocol: 'tcp', ports: [2869, 2869], what: 'SSDP/UPnP device host through HTTP.sys', source: PORTS },
    { names: ['svchost'], services: ['CDPSvc'], protocol: 'tcp', ports: [5040, 5040], what: 'the Connected Devices Platform service (CDPSvc)', source: PORTS },
    { names: ['svchost'], services: ['DoSvc'], protocol: 'tcp', ports: [7680, 7680], ownerMayBeHidden: true, what: 'Delivery Optimization (DoSvc), which shares Windows updates with nearby computers', source: PORTS },
    {
      names: ['lsass', 'wininit', 'services', 'spoolsv', 'svchost', 'system'],
      protocol: 'tcp',
      ports: [49664, 49690],
      ownerMayBeHidden: true,
      what: 'an RPC endpoint of a core Windows service (wininit, lsass, services, spoolsv, EventLog, Schedule …) at the start of the dynamic port range',
      source: DYNAMIC,
    },
    { names: ['svchost'], services: ['W32Time'], protocol: 'udp', ports: [123, 123], what: 'the Windows Time service (W32Time)', source: PORTS },
    { names: ['svchost'], services: ['IKEEXT', 'PolicyAgent'], protocol: 'udp', ports: [500, 500], what: 'IPsec key exchange (IKEEXT)', source: PORTS },
    { names: ['svchost'], services: ['IKEEXT', 'PolicyAgent'], protocol: 'udp', ports: [4500, 4500], what: 'IPsec NAT traversal (IKEEXT)', source: PORTS },
    { names: ['svchost'], services: ['SSDPSRV'], protocol: 'udp', ports: [1900, 1900], what: 'SSDP discovery (SSDPSRV)', source: PORTS },
    { names: ['svchost'], services: ['FDResPub', 'fdPHost'], protocol: 'udp', ports: [3702, 3702], what: 'WS-Discovery (Function Discovery)', source: PORTS },
    { names: ['svchost'], services: ['Dnscache'], protocol: 'udp', ports: [5353, 5353], what: 'multicast DNS of the DNS Client service (Dnscache)', source: PORTS },
    { names: ['svchost'], services: ['Dnscache'], protocol: 'udp', ports: [5355, 5355], what: 'LLMNR name resolution of the DNS Client service (Dnscache)', source: PORTS },
    { names: ['svchost'], services: ['Dnscache', 'NlaSvc'], protocol: 'udp', ports: [5050, 5050], what: 'a UDP endpoint of the network location services', source: PORTS },
  ],
};
