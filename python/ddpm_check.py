"""DDPM Lab check harness: runs DDPM Lab's sampling loop in this Python's PyTorch and reports every state exactly.

Run by `node dist/cli.js check` and "DDPM: Compare with Local PyTorch" (README "Compare with your own PyTorch"):
the inputs arrive as one JSON object on standard input
    {"w_model": T, "betas": T, "alpha_bar": T, "shape": [N, d], "seed": "<decimal>"}
and one JSON object goes to standard output (schema ddpm-lab.check/1):
    {"schema", "init": T (x_T), "steps": [{"t", "x" (x_t), "eps", "z" (T or null), "x_prev"}, ...] (t = T-1 first),
     "sample": T, "machine": {...}}
or, when this Python cannot run the check, {"schema", "error": {"kind": "no-torch" | "too-old", "message"}}.
Each tensor T is {"dtype": "float32", "shape": [...], "base64": "<little-endian bytes>"}, as in ddpm_lab.py's
recordings: the bits PyTorch computed, never printed text. The loop is the one "DDPM: Copy Equivalent PyTorch
Script" writes (src/core/notebook/pytorchScript.ts), statement for statement.
"""
import array
import base64
import json
import os
import platform
import re
import sys

SCHEMA = 'ddpm-lab.check/1'
MIN_TORCH = (1, 13)


def _emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(',', ':')))
    sys.stdout.write('\n')
    sys.stdout.flush()


def _fail(kind, message):
    _emit({'schema': SCHEMA, 'error': {'kind': kind, 'message': message}})
    sys.exit(0)


try:
    import torch
except ImportError as e:
    _fail('no-torch', '%s cannot import torch (%s)' % (sys.executable, str(e).strip().splitlines()[0] if str(e).strip() else 'ImportError'))


def _version_tuple(text):
    parts = re.findall(r'\d+', str(text))[:2]
    return tuple(int(p) for p in parts) if len(parts) == 2 else (0, 0)


if _version_tuple(torch.__version__) < MIN_TORCH:
    _fail('too-old', 'PyTorch %s is too old (DDPM Lab checks PyTorch %d.%d or newer)' % ((torch.__version__,) + MIN_TORCH))


def _tensor_from(obj, name):
    """A float32 tensor from {"dtype": "float32", "shape", "base64"} (little-endian bytes)."""
    if obj.get('dtype') != 'float32':
        raise ValueError('%s: expected float32' % name)
    values = array.array('f')
    values.frombytes(base64.b64decode(obj['base64']))
    if sys.byteorder == 'big':
        values.byteswap()
    return torch.tensor(values.tolist(), dtype=torch.float32).reshape([int(n) for n in obj['shape']])


def _tensor_json(tensor):
    """{"dtype", "shape", "base64"}: the tensor's float32 bytes, little-endian, row-major."""
    t = tensor.detach().to(torch.float32).contiguous().reshape(-1)
    values = array.array('f', t.tolist())  # float32 -> Python float -> float32 is exact
    if sys.byteorder == 'big':
        values.byteswap()
    return {'dtype': 'float32', 'shape': list(tensor.shape), 'base64': base64.b64encode(values.tobytes()).decode('ascii')}


# ---- the machine facts ----

def _cpu_capability():
    """What PyTorch's dispatcher uses: torch.backends.cpu.get_cpu_capability() (PyTorch 2.0+), else the line of
    torch.__config__.show() (which calls the same function), with ATEN_CPU_CAPABILITY and the CPU's flags."""
    cpu = getattr(torch.backends, 'cpu', None)
    if cpu is not None and hasattr(cpu, 'get_cpu_capability'):
        return str(cpu.get_cpu_capability())
    m = re.search(r'CPU capability usage:[ \t]*([^\n]+)', torch.__config__.show())
    return m.group(1) if m else None


def _cpu_flags():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('flags'):
                    flags = set(line.split(':', 1)[1].split())
                    return sorted(flags & {'avx', 'avx2', 'fma', 'avx512f', 'avx512vl', 'sse4_2', 'neon', 'asimd'})
    except OSError:
        pass
    return None


def _built_blas():
    m = re.search(r'BLAS_INFO=([^,\s]+)', torch.__config__.show())
    return m.group(1) if m else None


def _loaded_blas():
    """The BLAS this process really loaded: threadpoolctl when importable, else /proc/self/maps."""
    torch.ones(2, 2) @ torch.ones(2, 2)  # make sure the BLAS is loaded
    try:
        import threadpoolctl
        infos = [i for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas']
        if infos:
            i = infos[0]
            return {'library': i.get('internal_api'), 'path': i.get('filepath'), 'version': i.get('version'),
                    'threads': i.get('num_threads'), 'coreName': i.get('architecture'), 'source': 'threadpoolctl'}
    except Exception:
        pass
    paths = []
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                p = line.split()[-1] if len(line.split()) >= 6 else ''
                if re.search(r'lib(open)?blas|mkl_|libblis|Accelerate', p) and p not in paths:
                    paths.append(p)
    except OSError:
        return None
    if not paths:
        return None
    lib = 'openblas' if any('openblas' in p for p in paths) else 'mkl' if any('mkl' in p for p in paths) else \
        'blis' if any('blis' in p for p in paths) else 'reference' if any('libblas' in p for p in paths) else None
    info = {'library': lib, 'path': paths[0], 'version': None, 'threads': None, 'coreName': None, 'source': '/proc/self/maps'}
    if lib == 'openblas':
        try:
            import ctypes
            so = ctypes.CDLL([p for p in paths if 'openblas' in p][0])
            so.openblas_get_corename.restype = ctypes.c_char_p
            so.openblas_get_config.restype = ctypes.c_char_p
            info['coreName'] = so.openblas_get_corename().decode()
            info['threads'] = so.openblas_get_num_threads()
            info['version'] = so.openblas_get_config().decode()
        except Exception:
            pass
    return info


def _machine():
    libc = platform.libc_ver()
    return {
        'torch': str(torch.__version__),
        'cpuCapability': _cpu_capability(),
        'atenCpuCapability': os.environ.get('ATEN_CPU_CAPABILITY'),
        'cpuFlags': _cpu_flags(),
        'builtBlas': _built_blas(),
        'loadedBlas': _loaded_blas(),
        'platform': platform.platform(),
        'machine': platform.machine(),
        'libc': ('%s %s' % libc).strip() or None,
        'python': platform.python_version(),
    }


# ---- the loop ----

def sample(w_model, shape, betas, alpha_bar, seed, steps):
    N, d = int(shape[0]), int(shape[1])
    x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))
    x_T = x
    T = len(betas)
    for t in reversed(range(T)):
        x_t = x
        inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)  # (N, d + 1)
        eps = inp @ w_model  # predicted noise, (N, d)
        alpha_t = 1 - betas[t]
        mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)
        z = None
        if t > 0:
            z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))
            x = mean + torch.sqrt(betas[t]) * z
        else:
            x = mean
        steps.append({'t': t, 'x': _tensor_json(x_t), 'eps': _tensor_json(eps),
                      'z': _tensor_json(z) if z is not None else None, 'x_prev': _tensor_json(x)})
    return x_T, x


def main():
    inputs = json.load(sys.stdin)
    w_model = _tensor_from(inputs['w_model'], 'w_model')
    betas = _tensor_from(inputs['betas'], 'betas')
    alpha_bar = _tensor_from(inputs['alpha_bar'], 'alpha_bar')
    seed = int(inputs['seed'])
    steps = []
    x_T, x0 = sample(w_model, inputs['shape'], betas, alpha_bar, seed, steps)
    _emit({'schema': SCHEMA, 'init': _tensor_json(x_T), 'steps': steps, 'sample': _tensor_json(x0), 'machine': _machine()})


if __name__ == '__main__':
    main()
