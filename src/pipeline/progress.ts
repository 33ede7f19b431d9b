// Stage progress on stderr: a spinner line on a terminal, plain lines otherwise (CI, pipes, logs).

export interface Progress {
  stage<T>(name: string, fn: () => Promise<T>): Promise<T>;
  info(line: string): void;
  durations: Record<string, number>;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function makeProgress(opts: { quiet?: boolean; verbose?: boolean; sanitize: (s: string) => string }): Progress {
  const tty = process.stderr.isTTY === true && !process.env.CI;
  const color = tty && !process.env.NO_COLOR;
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const write = (s: string) => {
    if (!opts.quiet) process.stderr.write(s);
  };
  const durations: Record<string, number> = {};
  return {
    durations,
    info(line) {
      if (opts.quiet) return;
      if (!opts.verbose && line.startsWith('  ')) return;
      write(`${opts.sanitize(line)}\n`);
    },
    async stage(name, fn) {
      const t0 = performance.now();
      let timer: NodeJS.Timeout | null = null;
      if (tty && !opts.quiet) {
        let i = 0;
        timer = setInterval(() => write(`\r${FRAMES[i++ % FRAMES.length]} ${name} …`), 80);
      } else write(`▸ ${name} …\n`);
      try {
        const result = await fn();
        const s = (performance.now() - t0) / 1000;
        durations[name] = s;
        if (timer) clearInterval(timer);
        write(`${tty ? '\r\u001b[K' : ''}${paint('32', '✓')} ${name} (${s.toFixed(1)} s)\n`);
        return result;
      } catch (err) {
        if (timer) clearInterval(timer);
        write(`${tty ? '\r\u001b[K' : ''}${paint('31', '✗')} ${name} failed after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        throw err;
      }
    },
  };
}
