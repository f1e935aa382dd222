// The oracle for the live tests: Debian's python3 with python3-torch. A live test asks torchMissing() and
// reports itself skipped, with the reason, where PyTorch cannot be imported.
import { spawnSync } from 'node:child_process';

/** The Python that runs PyTorch: /usr/bin/python3, or $DDPM_PYTHON (set it to a missing path to see the skips). */
export const PYTHON = process.env.DDPM_PYTHON ?? process.env.DDPM_TORCH_PYTHON ?? '/usr/bin/python3';

const checked = new Map<string, string | null>();

/** Why PYTHON cannot import the modules (one line), or null when it can; asked once per process. */
export function pythonModulesMissing(modules: string[] = ['torch']): string | null {
  const list = modules.join(', ');
  if (!checked.has(list)) {
    const r = spawnSync(PYTHON, ['-c', `import ${list}`], { encoding: 'utf8', timeout: 60000 });
    let reason: string | null = null;
    if (r.error) reason = `${PYTHON} not runnable (${r.error.message})`;
    else if (r.status !== 0) reason = `${PYTHON} cannot import ${list}: ${(r.stderr || '').trim().split('\n').pop()}`;
    checked.set(list, reason);
  }
  return checked.get(list) ?? null;
}

/** Why PyTorch cannot be used here (one line), or null when `import torch` works. */
export function torchMissing(): string | null {
  return pythonModulesMissing(['torch']);
}
