// A transport runs the steps of a profile somewhere: on this host (local) or on a target over SSH.
// The profile (data) says what is collected; index.ts writes the evidence folder, acquisition.json
// and custody the same way whichever transport ran.
import type { ClockInfo, CommandRecord, HostInfo, Privileges, TransportInfo } from '../model.js';
import { clockInfo, hostInfo, privileges } from './host.js';
import type { Profile, ProfileGroup, ProfileStep } from './profiles.js';
import { runStep, type StepContext } from './runner.js';

export interface Transport {
  kind: 'local' | 'ssh';
  profile: Profile;
  host: HostInfo;
  privileges: Privileges;
  clock: ClockInfo;
  /** Name of the evidence folder's host part (sanitised by createEvidenceFolder). */
  folderName: string;
  runStep(step: ProfileStep, ctx: StepContext): Promise<CommandRecord>;
  /** Called around each volatility group (SSH: reads the target's clock). */
  beforeGroup?(group: ProfileGroup): Promise<void>;
  afterGroup?(group: ProfileGroup): Promise<void>;
  /** Set once the transport cannot run further steps (the connection was cut): why. */
  lost?(): string | null;
  /** Provenance for acquisition.json (kept current as groups run). */
  info(): TransportInfo;
  /** Custody events of the transport itself (connection opened …), logged after 'case opened'. */
  openingEvents?(): { action: string; object: string | null; details: Record<string, unknown> }[];
  /** Warnings for acquisition.json beyond the privilege ones. */
  warnings?(): string[];
}

/** This host; `clock` when it was read beforehand (clockInfoAsync, while the collector loaded). */
export function localTransport(profile: Profile, clock: ClockInfo = clockInfo()): Transport {
  const host = hostInfo();
  return {
    kind: 'local',
    profile,
    host,
    privileges: privileges(profile.unprivilegedLimitations),
    clock,
    folderName: host.hostname,
    runStep,
    info: () => ({ kind: 'local' }),
  };
}
