// The rule list. The engine knows rules only through this array; add a rule = add a file + a line.
import type { Rule } from '../types.js';
import { baseGoneListener } from './base-gone-listener.js';
import { baseNewListener } from './base-new-listener.js';
import { baseNewProcess } from './base-new-process.js';
import { baseRouteChanged } from './base-route-changed.js';
import { netAltHttpOut } from './net-alt-http-out.js';
import { netBackdoorPort } from './net-backdoor-port.js';
import { netC2CallbackPort } from './net-c2-callback-port.js';
import { netInterpSocket } from './net-interp-socket.js';
import { netIrc } from './net-irc.js';
import { netListenUnexpected } from './net-listen-unexpected.js';
import { netLolbinOutbound } from './net-lolbin-outbound.js';
import { netOrphanListener } from './net-orphan-listener.js';
import { netPortProxy } from './net-portproxy.js';
import { netProxyListener } from './net-proxy-listener.js';
import { netPsOutbound } from './net-ps-outbound.js';
import { netRawSniffer } from './net-raw-sniffer.js';
import { netRdpOddClient } from './net-rdp-odd-client.js';
import { netRdpReverseTunnel } from './net-rdp-reverse-tunnel.js';
import { netRemoteAdmin } from './net-remote-admin.js';
import { netShellSocket } from './net-shell-socket.js';
import { netDeletedExe } from './net-deleted-exe.js';
import { netSuspPathNix } from './net-susp-path-nix.js';
import { netSuspPathWin } from './net-susp-path-win.js';
import { netTor } from './net-tor.js';
import { netTunnelTool } from './net-tunnel-tool.js';
import { procHashKnownBad } from './proc-hash-known-bad.js';
import { procCoreNetworks } from './proc-core-networks.js';
import { procKthreadFake } from './proc-kthread-fake.js';
import { procNameExeMismatch } from './proc-name-exe-mismatch.js';
import { procNameMasq } from './proc-name-masq.js';
import { procPathMasq } from './proc-path-masq.js';
import { routeBlackhole } from './route-blackhole.js';
import { routeGwOfflink } from './route-gw-offlink.js';
import { routeHostOddGw } from './route-host-odd-gw.js';
import { routeMultiDefault } from './route-multi-default.js';
import { routePersistentWin } from './route-persistent-win.js';
import { routeVpnBypass } from './route-vpn-bypass.js';
import { xsrcHiddenFromTools } from './xsrc-hidden-from-tools.js';
import { xsrcMissingFromProc } from './xsrc-missing-from-proc.js';

export const RULES: Rule[] = [
  // Ports and connections
  netBackdoorPort,
  netC2CallbackPort,
  netAltHttpOut,
  netListenUnexpected,
  netRemoteAdmin,
  netIrc,
  netTor,
  netProxyListener,
  netPortProxy,
  netShellSocket,
  netInterpSocket,
  netTunnelTool,
  netLolbinOutbound,
  netPsOutbound,
  netRdpOddClient,
  netRdpReverseTunnel,
  netRawSniffer,
  netOrphanListener,
  // Process identity
  procNameMasq,
  procNameExeMismatch,
  procKthreadFake,
  procCoreNetworks,
  procPathMasq,
  netSuspPathNix,
  netSuspPathWin,
  netDeletedExe,
  procHashKnownBad,
  // Routing table
  routeMultiDefault,
  routeHostOddGw,
  routeBlackhole,
  routeGwOfflink,
  routeVpnBypass,
  routePersistentWin,
  // Cross-source (Linux)
  xsrcHiddenFromTools,
  xsrcMissingFromProc,
  // Baseline comparison (only with a baseline capture)
  baseNewListener,
  baseGoneListener,
  baseNewProcess,
  baseRouteChanged,
];
