#!/usr/bin/python3
"""Executed Jupyter notebooks that use the Python helper (README "Use it from Jupyter"), for CI and the end-to-end
suite: the seed example (media/examples/seed.inputs.json) through the user's own PyTorch loop, recorded with
rec.step(t, x) and displayed with `rec`, run by a real Jupyter kernel (nbclient, kernel python3).

  correct.ipynb             Algorithm 2 as written in the seed example
  step-seed-plus-t.ipynb    the same loop with the mistake gen_step = torch.Generator().manual_seed(int(seed) + t)

Usage: /usr/bin/python3 scripts/jupyter/make-notebooks.py [OUTPUT_DIR]      (default test-results/jupyter/)
       /usr/bin/python3 scripts/jupyter/make-notebooks.py --record N T FILE
The second form runs correct.ipynb's loop here, without a kernel, on the seed example's w_model and seed with N
samples (d = 2) and a linear schedule of T steps, and saves its recording to FILE (`npm run bench:editor` times the
recording view on it); it needs PyTorch only.
Writes OUTPUT_DIR/ddpm_lab.py (a copy of python/ddpm_lab.py, saved next to the notebooks as a user would) and the two
notebooks with their outputs. Needs nbformat, nbclient and ipykernel (Debian: python3-nbclient python3-ipykernel) and
PyTorch in the kernel's Python. `npm run test:jupyter` runs this, then scripts/jupyter/check-notebooks.ts.
Exit 1 with one line per problem when a notebook does not execute (it is still written, with what ran).
"""
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELPER = os.path.join(ROOT, 'python', 'ddpm_lab.py')
SEED_INPUTS = os.path.join(ROOT, 'media', 'examples', 'seed.inputs.json')
KERNEL = 'python3'

# The user's loop, as people write it (the step noise from its own generator, seed + 100 + t); {step_seed} is the
# generator line, the one place where the two notebooks differ.
LOOP = '''\
rec = ddpm_lab.Recorder(w_model, shape, betas, alpha_bar, seed)

N, d = shape
T = len(betas)
x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))
rec.init(x)
for t in range(T - 1, -1, -1):
    inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)
    eps = inp @ w_model
    alpha_t = 1 - betas[t]
    mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)
    if t > 0:
        {step_seed}
        z = torch.randn(N, d, generator=gen_step)
        x = mean + torch.sqrt(betas[t]) * z
    else:
        x = mean
    rec.step(t, x)
print(x)'''

NOTEBOOKS = {
    'correct': {
        'title': 'the seed example, correct loop',
        'about': 'Algorithm 2 of Ho et al. 2020 as the seed example writes it: the noise of step t comes from '
                 '`torch.Generator().manual_seed(seed + 100 + t)`. DDPM Lab should find every step equal to its '
                 'reference, bit for bit.',
        'step_seed': 'gen_step = torch.Generator().manual_seed(seed + 100 + t)',
    },
    'step-seed-plus-t': {
        'title': 'the seed example, step generator seeded with seed + t',
        'about': 'A common mistake: the noise of step t comes from `torch.Generator().manual_seed(int(seed) + t)` '
                 'instead of `seed + 100 + t`. x_T agrees with the reference; the first step already differs.',
        'step_seed': 'gen_step = torch.Generator().manual_seed(int(seed) + t)',
    },
}


def inputs_cell(inputs):
    return '\n'.join([
        '# the seed example (media/examples/seed.inputs.json)',
        'w_model = torch.tensor(%r)' % (inputs['w_model'],),
        'shape = %r' % (inputs['shape'],),
        'betas = torch.tensor(%r)' % (inputs['betas'],),
        'alpha_bar = torch.tensor(%r)' % (inputs['alpha_bar'],),
        'seed = %r' % (inputs['seed'],),
    ])


def make_notebook(nbformat, spec, inputs):
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata['kernelspec'] = {'name': KERNEL, 'display_name': 'Python 3 (ipykernel)', 'language': 'python'}
    nb.metadata['language_info'] = {'name': 'python'}
    nb.cells = [
        v4.new_markdown_cell('# DDPM Lab from Jupyter: %s\n\n%s\n\nThe helper `ddpm_lab.py` sits next to this '
                             'notebook (`node dist/cli.js python-helper > ddpm_lab.py`).' % (spec['title'], spec['about'])),
        v4.new_code_cell('import torch\nimport ddpm_lab'),
        v4.new_code_cell(inputs_cell(inputs)),
        v4.new_code_cell(LOOP.replace('{step_seed}', spec['step_seed'])),
        v4.new_code_cell('rec'),
    ]
    return nb


def record(n, T, out_file):
    """correct.ipynb's loop (LOOP, the same text) run in this process on the seed example's w_model and seed, N
    samples of d = 2 and torch.linspace(1e-4, 0.02, T) as betas; the recording is saved to out_file."""
    import torch
    sys.path.insert(0, os.path.dirname(HELPER))
    import ddpm_lab
    with open(SEED_INPUTS) as f:
        inputs = json.load(f)
    betas = torch.linspace(1e-4, 0.02, T)
    scope = {'torch': torch, 'ddpm_lab': ddpm_lab, 'w_model': torch.tensor(inputs['w_model']), 'shape': [n, 2],
             'betas': betas, 'alpha_bar': torch.cumprod(1 - betas, 0), 'seed': inputs['seed']}
    exec(LOOP.replace('{step_seed}', NOTEBOOKS['correct']['step_seed']), scope)
    scope['rec'].save(out_file)
    return 0


def main(argv):
    out_dir = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(ROOT, 'test-results', 'jupyter'))
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as error:
        print('make-notebooks: %s (apt-get install -y python3-nbclient python3-nbformat python3-ipykernel)' % error,
              file=sys.stderr)
        return 1
    # ipykernel's debugger (debugpy) warns on stderr about Python 3.11's frozen modules in every kernel it starts
    os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')
    with open(SEED_INPUTS) as f:
        inputs = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(HELPER, os.path.join(out_dir, 'ddpm_lab.py'))  # as a user saves it, next to the notebook
    failures = []
    for name, spec in NOTEBOOKS.items():
        nb = make_notebook(nbformat, spec, inputs)
        path = os.path.join(out_dir, name + '.ipynb')
        client = NotebookClient(nb, timeout=600, kernel_name=KERNEL, resources={'metadata': {'path': out_dir}})
        try:
            client.execute()
        except CellExecutionError as error:
            failures.append('%s: a cell failed: %s' % (name, str(error).strip().splitlines()[-1]))
        except Exception as error:  # the kernel did not start, died, timed out
            failures.append('%s: not executed: %s: %s' % (name, type(error).__name__, str(error).strip().splitlines()[:1]))
        nbformat.write(nb, path)
        shown = os.path.relpath(path) if path.startswith(os.getcwd() + os.sep) else path
        print('make-notebooks: wrote %s' % shown, file=sys.stderr)
    for line in failures:
        print('make-notebooks: ' + line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == '__main__':
    if len(sys.argv) == 5 and sys.argv[1] == '--record':
        sys.exit(record(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
    sys.exit(main(sys.argv))
