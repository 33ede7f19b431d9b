// Issue 12 item 7: a privileged capture that finds a listener with no owner says in the limitations
// why that can happen. A VXLAN device makes the kernel itself hold UDP 4789 (netstat shows "-").
import { describe, expect, it } from 'vitest';
import { analyzeStage } from '../../src/pipeline/analyze.js';
import { loadReportInput } from '../../src/report/input.js';
import { buildView, type ViewContext } from '../../src/report/view-model.js';
import { readStatements } from '../../src/evidence/statements.js';
import { cachedPackageIdentity } from '../../src/report/tool-identity.js';
import { DEFAULT_TEMPLATE_DIR } from '../../src/report/templates.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const ctx: Omit<ViewContext, 'statements' | 'tool'> = {
  reportId: 'R-1',
  generated: new Date('2026-12-04T00:00:00Z'),
  paper: 'a4',
  examiner: 'Lab Examiner',
  organisation: null,
  signer: { subject: 'CN=x', selfSigned: true, fingerprint: '00', source: 'test' },
  appendixLimitBytes: 1 << 20,
};

async function capture(withKernelSocket: boolean): Promise<string[]> {
  const lab = createLab();
  try {
    await lab.startHolder(lab.victim, 'sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }] });
    if (withKernelSocket) {
      lab.exec(lab.victim, ['ip', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', lab.addr.victim4]);
      lab.exec(lab.victim, ['ip', 'link', 'set', 'vx0', 'up']);
    }
    const r = await runCli(['collect', '--out', tempDir(), '--case', 'LAB-OWNERLESS', '--examiner', 'Lab Examiner', '--json', '--quiet'], { netns: lab.victim });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).evidenceDir;
    await analyzeStage(dir, { actor: 'Lab Examiner' });
    const input = loadReportInput(dir);
    // The view needs the folder's statements and the tool's identity (as buildReport passes them).
    const tool = { package: cachedPackageIdentity(), node: process.version, chromium: 'not started', template: DEFAULT_TEMPLATE_DIR, defaultTemplate: true };
    return buildView(input, { ...ctx, statements: readStatements(dir, input.acquisition), tool }).methodology.limitations;
  } finally {
    lab.cleanup();
  }
}

describe.runIf(netnsAvailable())('ownerless listener in a privileged capture', () => {
  it('explains another namespace or container and kernel sockets in the limitations', async () => {
    const limits = (await capture(true)).join('\n');
    expect(limits).toMatch(/1 listening socket shows no owning process although the collection ran with administrative privileges/);
    expect(limits).toMatch(/another network namespace or container/);
    expect(limits).toMatch(/kernel itself \(NFS server and lockd, in-kernel RPC, WireGuard, VXLAN\/Geneve tunnels\)/);
  }, 120_000);

  it('says nothing of the kind when every listener has its owner', async () => {
    expect((await capture(false)).join('\n')).not.toMatch(/no owning process/);
  }, 120_000);
});
