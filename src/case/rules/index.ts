// Every case rule; the engine (../leads.ts) knows none of them by name.
import { caseLateralAdmin } from './case-lateral-admin.js';
import { caseLeadPeer } from './case-lead-peer.js';
import { caseSharedExternal } from './case-shared-external.js';
import { caseSingleClient } from './case-single-client.js';
import type { CaseRule } from './types.js';

export const CASE_RULES: CaseRule[] = [caseLeadPeer, caseLateralAdmin, caseSharedExternal, caseSingleClient];
