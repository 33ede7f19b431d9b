// Splits one byte stream of the host session into the steps' own bytes and the frame lines between
// them. A frame is `<marker> <fields> <marker>\n` with the random per-run marker; everything else is
// passed on unchanged to whatever sink is current, so each step's bytes stay exact. A marker split
// across two chunks is held back until the next chunk decides.
export type FrameHandler = (fields: string[]) => void;

/** Longest frame line accepted (marker twice, a date or the trailer's two hashes and names). */
const FRAME_MAX = 512;

export class FrameSplitter {
  private readonly mark: Buffer;
  private pending = Buffer.alloc(0);

  constructor(
    marker: string,
    private readonly onBytes: (b: Buffer) => void,
    private readonly onFrame: FrameHandler,
  ) {
    this.mark = Buffer.from(marker, 'latin1');
  }

  push(chunk: Buffer): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const m = this.mark.length;
    let pos = 0;
    for (;;) {
      const at = data.indexOf(this.mark, pos);
      if (at < 0) {
        // Keep back what could be the start of a marker cut by the chunk boundary.
        const safe = Math.max(pos, data.length - (m - 1));
        if (safe > pos) this.onBytes(data.subarray(pos, safe));
        this.pending = Buffer.from(data.subarray(safe));
        return;
      }
      if (at > pos) this.onBytes(data.subarray(pos, at));
      const close = data.indexOf(this.mark, at + m);
      const lineEnd = close + m;
      if (close < 0 || lineEnd >= data.length) {
        if (data.length - at <= FRAME_MAX) {
          this.pending = Buffer.from(data.subarray(at));
          return;
        }
      }
      const inner = close >= 0 && lineEnd < data.length && close - at <= FRAME_MAX && data[lineEnd] === 0x0a ? data.subarray(at + m, close).toString('latin1') : null;
      if (inner !== null && /^ [ -~]* $/.test(inner)) {
        this.onFrame(inner.trim().split(' '));
        pos = lineEnd + 1;
      } else {
        // The marker's bytes without a well-formed frame around them: they are data.
        this.onBytes(data.subarray(at, at + m));
        pos = at + m;
      }
    }
  }

  /** The stream ended: whatever was held back is data. */
  end(): void {
    if (this.pending.length) this.onBytes(this.pending);
    this.pending = Buffer.alloc(0);
  }
}
