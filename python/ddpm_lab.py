"""DDPM Lab recorder: check your own PyTorch DDPM sampling loop, step by step, against the exact reference.

    import ddpm_lab
    rec = ddpm_lab.Recorder(w_model, shape, betas, alpha_bar, seed)   # the five inputs, tensors or lists
    ... your own loop, calling rec.step(t, x) after each step (and rec.init(x) for x_T) ...
    rec   # displays the comparison

The recorder keeps the five inputs exactly (a float64 tensor stays float64) and your loop's states at full
precision (the bytes of each tensor, not printed text). In Jupyter, `rec` displays as a DDPM Lab recording
(MIME type application/vnd.ddpm-lab.recording+json), which the DDPM Lab VS Code extension renders next to the
exact reference run. In a plain script, save it and compare it with DDPM Lab's command line:

    rec.save("run.json"); rec.save_inputs("INPUT.json")
    # then: node dist/cli.js compare INPUT.json run.json

The reference is DDPM Lab's sampler: Algorithm 2 of Ho et al. 2020 with the model eps = concat(x_t, t/T) @ w_model
(w_model of shape (d+1, d)), x_T = torch.randn(N, d, generator=torch.Generator().manual_seed(seed)) and the noise of
step t from torch.Generator().manual_seed(seed + 100 + t). Call rec.step(t, x) with the loop's 0-based t (T-1 down
to 0) and x the state after that step (x_{t-1}); Recorder(..., every=k) keeps every k-th step and the last.

One file, no dependency but torch (NumPy, when present, only makes copying faster); Python 3.8+, PyTorch 1.13+.
Get it with `node dist/cli.js python-helper > ddpm_lab.py`.
"""
import array
import base64
import errno
import json
import math
import operator
import os
import stat
import sys
import warnings

import torch

__all__ = ['Recorder', 'MIME', 'SCHEMA']

MIME = 'application/vnd.ddpm-lab.recording+json'
SCHEMA = 'ddpm-lab.recording/1'

_DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64'}
_SEED_MIN = -(1 << 63)  # torch.Generator.manual_seed accepts [-2^63, 2^64)
_SEED_END = 1 << 64
# DDPM Lab's limits (src/core/sampler/limits.ts): a recording beyond them would be refused when read, after the loop
_MAX_SAMPLE_ELEMENTS = 1 << 25  # N * d
_MAX_STEPS = 10 ** 6  # T
_INPUT_KEYS = ('w_model', 'shape', 'betas', 'alpha_bar', 'seed')


def _what(value):
    """A short description of a value for messages."""
    if isinstance(value, torch.Tensor):
        what = 'a %s tensor of shape %s' % (_DTYPE_NAMES.get(value.dtype, str(value.dtype)), _shape_text(value.shape))
        return what + (', %r' % value.item() if value.dim() == 0 else '')
    if isinstance(value, torch.Generator):
        return 'a torch.Generator (g.initial_seed() is the seed it was made with)'
    if type(value).__module__ == 'numpy' and hasattr(value, 'shape') and hasattr(value, 'dtype'):
        if type(value).__name__ != 'ndarray':  # a NumPy scalar (np.float64(42.0)), not an array
            return 'a NumPy %s scalar, %r' % (value.dtype, value.item())
        return 'a NumPy %s array of shape %s (torch.from_numpy(x) makes it a tensor)' % (value.dtype, _shape_text(value.shape))
    text = repr(value).replace('\n', ' ')
    if len(text) > 40:
        text = text[:37] + '...'
    return '%s (%s)' % (text, type(value).__name__)


def _shape_text(shape):
    """(4, 2) the way Python prints a tuple."""
    dims = tuple(int(n) for n in shape)
    return '(%d,)' % dims if len(dims) == 1 else str(dims)


_FINISHED = ('this Recorder already holds a finished run (down to step 0); make a new ddpm_lab.Recorder(...) to '
             'record another run (a cell run again reuses the old one)')


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _integer(value, name):
    """An exact integer (int, NumPy integer, 0-d integer tensor); bool and float are refused, as bool tensors and
    NumPy bools are (operator.index takes them as 0 and 1)."""
    if isinstance(value, bool) or type(value).__name__ == 'bool_' or (
            isinstance(value, torch.Tensor) and value.dtype == torch.bool):
        raise ValueError('%s: expected an integer, got %s' % (name, value if isinstance(value, bool) else _what(value)))
    try:
        return operator.index(value)
    except TypeError:
        # a float that holds a whole number (np.linspace's steps, a 0-d float tensor): int() makes it one
        try:
            whole = (getattr(value, 'shape', None) == () or isinstance(value, float)) and float(value).is_integer()
        except (TypeError, ValueError, OverflowError):
            whole = False
        hint = ' (int(%s) makes it one)' % name if whole else ''
        raise ValueError('%s: expected an integer, got %s%s' % (name, _what(value), hint)) from None


def _check_dense(tensor, name):
    """A sparse (or other non-strided) tensor is refused, naming how to make it dense."""
    if tensor.layout != torch.strided:
        raise ValueError('%s: expected a dense tensor, got layout %s (x.to_dense() makes one)' % (name, tensor.layout))


def _tensor_input(value, name):
    """An input tensor as the user's loop holds it: tensors keep their dtype; lists and tuples of Python numbers are
    kept as float64, the doubles Python floats are (a loop may compute with them as they are; the reference rounds
    them to float32 as torch.tensor(list) does); lists of tensors or NumPy scalars (`[b for b in betas]`) take the
    dtype torch.tensor gives them, theirs; NumPy arrays keep their dtype (torch.as_tensor). A detached CPU copy."""
    if isinstance(value, torch.Tensor):
        _check_dense(value, name)
        if value.is_meta:
            raise ValueError('%s: a tensor on the meta device holds no values' % name)
        tensor = value.detach().rename(None) if value.has_names() else value.detach()
    else:
        try:
            if isinstance(value, (list, tuple)):
                tensor = torch.tensor(value, dtype=torch.float64) if _python_numbers(value) else torch.tensor(value)
            elif type(value).__name__ == 'ndarray' and type(value).__module__ == 'numpy':
                # a copy in native byte order, contiguous and writable: np.flip's negative strides, a '>f4' array and
                # a read-only one are all taken (torch.as_tensor refuses the first two and warns of the third)
                tensor = torch.from_numpy(value.astype(value.dtype.newbyteorder('='), order='C', copy=True))
            else:
                tensor = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError, OverflowError) as error:
            # a list of rows as tensors ([w0, w1, w2], each of d values): torch.tensor takes only one-element ones
            rows = (isinstance(value, (list, tuple)) and value
                    and all(isinstance(v, torch.Tensor) and v.dim() >= 1 for v in value))
            hint = '; torch.stack(%s) makes one tensor of its rows' % name if rows else ''
            raise ValueError('%s: expected a tensor or a list of numbers, got %s (%s%s)'
                             % (name, _what(value), _first_line(error), hint)) from None
    if tensor.dtype not in _DTYPE_NAMES:
        raise ValueError('%s: expected a float32 or float64 tensor, got dtype %s' % (name, tensor.dtype))
    return tensor.cpu().contiguous().clone()


def _python_numbers(value):
    """Whether a list or tuple (nested) holds Python numbers only: int and float (NumPy's float64 is a float)."""
    return all(_python_numbers(v) if isinstance(v, (list, tuple)) else isinstance(v, (int, float)) for v in value)


def _tensor_bytes(tensor, use_numpy=True):
    """The little-endian bytes of a float32 or float64 tensor, row-major: the exact bits, NaN payloads included."""
    tensor = tensor.detach().cpu().contiguous()
    if tensor.has_names():  # named dimensions (x.refine_names('N', 'd')): the bytes are the same; reshape refuses them
        tensor = tensor.rename(None)
    if use_numpy:
        try:
            values = tensor.numpy()
        except (ImportError, RuntimeError):  # PyTorch without NumPy: "Numpy is not available"
            pass
        else:
            return values.astype(values.dtype.newbyteorder('<'), copy=False).tobytes()
    raw = bytes(tensor.reshape(-1).view(torch.uint8).tolist())  # the native bytes, one int per byte
    if sys.byteorder == 'big':
        swapped = array.array('f' if tensor.dtype == torch.float32 else 'd')
        swapped.frombytes(raw)
        swapped.byteswap()
        raw = swapped.tobytes()
    return raw


class _Recorded:
    """A recorded tensor: dtype, shape and its bytes, copied at once. The base64 text of the payload is made when the
    payload is first asked for (once), so the user's loop pays only for the copy."""

    __slots__ = ('dtype', 'shape', '_raw', '_base64')

    def __init__(self, tensor):
        self.dtype = _DTYPE_NAMES[tensor.dtype]
        self.shape = [int(n) for n in tensor.shape]
        self._raw = _tensor_bytes(tensor)
        self._base64 = None

    def json(self):
        """{"dtype", "shape", "base64"}: the tensor in the payload."""
        if self._base64 is None:
            self._base64 = base64.b64encode(self._raw).decode('ascii')
            self._raw = None  # one copy is enough
        return {'dtype': self.dtype, 'shape': list(self.shape), 'base64': self._base64}


def _json_number(value):
    """A Python float as JSON keeps it (its repr, exact for float32 and float64); "nan", "inf", "-inf" otherwise,
    as DDPM Lab's inputs spell non-finite numbers."""
    if value != value:
        return 'nan'
    if value in (float('inf'), float('-inf')):
        return 'inf' if value > 0 else '-inf'
    return float(value)


def _json_values(nested):
    if isinstance(nested, list):
        return [_json_values(v) for v in nested]
    return _json_number(nested)


# why alpha_bar[0] = 1 (DDPM Lab says the same of an inputs file, src/core/sampler/inputs.ts)
_ALPHA_BAR_PREV_HINT = ('alpha_bar[0] = 1 is the value before the first step (alphas_cumprod_prev); alpha_bar[t] is the '
                        'product up to step t included, alpha_bar[0] = 1 - betas[0]')


def _check_schedule(betas, alpha_bar):
    """The range checks DDPM Lab makes of an inputs file's schedule (src/core/sampler/inputs.ts readInputs), made when
    the Recorder is made rather than when the recording is read: each of the T betas in (0, 1) and each of the T
    alpha_bar in [0, 1), as float32 values (nan is outside both). Raises a one-line ValueError."""
    bad = (~((betas.float() > 0) & (betas.float() < 1))).nonzero()
    if bad.numel():
        t = int(bad[0])
        v, v32 = float(betas[t]), float(betas.float()[t])
        where = ' in float32 (it rounds to %r)' % v32 if 0 < v < 1 else ''
        raise ValueError('betas: betas[%d] = %r is outside (0, 1)%s' % (t, v, where))
    bad = (~((alpha_bar.float() >= 0) & (alpha_bar.float() < 1))).nonzero()
    if bad.numel():
        t = int(bad[0])
        v, v32 = float(alpha_bar[t]), float(alpha_bar.float()[t])
        where = ' in float32 (it rounds to %r)' % v32 if 0 <= v < 1 else ''
        prev = '; ' + _ALPHA_BAR_PREV_HINT if t == 0 and v == 1 else ''
        raise ValueError('alpha_bar: alpha_bar[%d] = %r is outside [0, 1)%s (1 - alpha_bar[t] must be positive)%s'
                         % (t, v, where, prev))


def _check_path(path):
    """A file name (open() would take an int as a file descriptor, and close it)."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise ValueError('path: expected a file name (str, bytes or os.PathLike), got %s' % _what(path))
    if not os.fspath(path):
        raise ValueError('path: expected a file name, got an empty one')


def _is_ours(path, kind):
    """Whether an existing file is one this helper wrote, so that writing it again replaces nothing else the user made:
    a recording (kind 'recording': save() writes its schema first), or an inputs file written by save_inputs()
    ('inputs': exactly the text save_inputs() writes for its JSON, of the five inputs' keys only; a hand-written inputs
    file, laid out otherwise, is the user's)."""
    try:
        with open(path, 'rb') as f:
            if kind == 'recording':
                return f.read(64).lstrip().startswith(b'{"schema":"ddpm-lab.recording/')
            if os.fstat(f.fileno()).st_size > 1 << 26:
                return False
            text = f.read().decode('utf-8')
        data = json.loads(text)
    except (OSError, ValueError):
        return False
    return (isinstance(data, dict) and len(data) > 0 and all(key in _INPUT_KEYS for key in data)
            and text == _inputs_text(data))


def _inputs_text(inputs):
    """The text save_inputs() writes for an inputs dict."""
    return json.dumps(inputs) + '\n'


_WRITE_REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _write_replacing(path, text, kind, overwrite):
    """Writes text to path whole or not at all (a new file beside it, then renamed over it: a full disk or an
    interrupt leaves the old file as it was). An existing file that this helper did not write (not a DDPM Lab
    `kind` file) is replaced only with overwrite=True. A link is followed, a dangling one too (its target is
    created); a file that is not a regular one (/dev/stdout), or a writable file in a folder that takes no new file,
    is written directly. Errors are one-line ValueErrors naming the path."""
    _check_path(path)
    shown = os.fsdecode(path)
    target = os.path.realpath(shown)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise ValueError('path: cannot write %s (%s)' % (shown, error.strerror or _first_line(error))) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise ValueError('path: %s is a folder; give a file name' % shown)
    if existing is not None and not overwrite and not _is_ours(target, kind):
        raise ValueError('path: %s exists and is not a DDPM Lab %s file; give another name, or overwrite=True to '
                         'replace it' % (shown, kind))
    folder = os.path.dirname(target) or '.'
    if not os.path.isdir(folder):
        raise ValueError('path: the folder %s does not exist' % (os.path.dirname(shown) or folder))

    def direct():
        with open(target, 'w', encoding='utf-8') as f:
            f.write(text)

    try:
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            return direct()
        temp = os.path.join(folder, '.%s.%s.tmp' % (os.path.basename(target), os.urandom(6).hex()))
        try:
            # created as open() creates a file (0666 less the umask), then given the old file's mode if there was one
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as error:
            if existing is not None and error.errno in _WRITE_REFUSED:
                return direct()  # the folder takes no new file, but the file itself may be writable
            raise
        try:
            with os.fdopen(handle, 'w', encoding='utf-8') as f:
                f.write(text)
            if existing is not None:
                os.chmod(temp, stat.S_IMODE(existing.st_mode))
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
    except OSError as error:
        raise ValueError('path: cannot write %s (%s)' % (shown, error.strerror or _first_line(error))) from None


def _check_finite(tensor, name):
    """The check DDPM Lab makes of an inputs file's arrays (src/core/sampler/inputs.ts requireFinite), made when the
    Recorder is made: every value finite as float32 (a float64 value beyond float32 overflows to inf there)."""
    bad = (~torch.isfinite(tensor.float())).nonzero()
    if bad.numel():
        index = tuple(int(i) for i in bad[0])
        v, v32 = float(tensor[index]), float(tensor.float()[index])
        shown = 'nan' if v32 != v32 else ('inf' if v32 > 0 else '-inf')
        note = ' (%r overflows float32)' % v if math.isfinite(v) else ''
        raise ValueError('%s: non-finite value %s at [%s]%s' % (name, shown, ', '.join(str(i) for i in index), note))


class Recorder:
    """Records a DDPM sampling loop: the five inputs, x_T (init) and the state after each step (step).

    Recorder(w_model, shape, betas, alpha_bar, seed, every=1): w_model (d+1, d), shape [N, d], betas (T,),
    alpha_bar (at least T values), seed an integer in [-2^63, 2^64) (seed + 100 + T - 1, the last step seed, too).
    Tensors are recorded with their dtype (float32 or float64); lists of Python floats as float64 (the reference
    rounds them to float32, as torch.tensor(list) does). every=k keeps every k-th step (counted from the first,
    t = T-1) and the last (t = 0).
    note: an optional line shown with the recording.
    """

    def __init__(self, w_model, shape, betas, alpha_bar, seed, every=1, *, note=None):
        try:
            dims = list(shape)
        except TypeError:
            raise ValueError('shape: expected [N, d], got %s' % _what(shape)) from None
        if len(dims) != 2:
            raise ValueError('shape: expected [N, d] (two integers), got %d value%s'
                             % (len(dims), '' if len(dims) == 1 else 's'))
        n, d = (_integer(v, 'shape[%d]' % i) for i, v in enumerate(dims))
        for label, value in (('N', n), ('d', d)):
            if value < 1:
                raise ValueError('shape: %s = %d is below 1' % (label, value))
        if n * d > _MAX_SAMPLE_ELEMENTS:
            raise ValueError('shape: N*d = %d*%d = %d elements exceeds the limit of %d'
                             % (n, d, n * d, _MAX_SAMPLE_ELEMENTS))
        self._n, self._d = n, d

        w = _tensor_input(w_model, 'w_model')
        if tuple(w.shape) != (d + 1, d):
            # (d, d + 1): an nn.Linear(d + 1, d)'s weight, which it applies as x @ weight.T
            transposed = (', its transpose (an nn.Linear\'s weight is (out, in) and is applied as x @ weight.T: pass '
                          'weight.T)' if tuple(w.shape) == (d, d + 1) else '')
            raise ValueError('w_model: expected shape (%d, %d) for d = %d, got %s%s'
                             % (d + 1, d, d, _shape_text(w.shape), transposed))
        b = _tensor_input(betas, 'betas')
        if b.dim() != 1 or b.numel() == 0:
            raise ValueError('betas: expected a 1-D tensor of T >= 1 values, got shape %s' % _shape_text(b.shape))
        self._T = int(b.numel())
        if self._T > _MAX_STEPS:
            raise ValueError('betas: T = %d steps exceeds the limit of %d' % (self._T, _MAX_STEPS))
        a = _tensor_input(alpha_bar, 'alpha_bar')
        if a.dim() != 1 or a.numel() < self._T:
            raise ValueError('alpha_bar: expected a 1-D tensor of at least T = %d values (as many as betas), got shape %s'
                             % (self._T, _shape_text(a.shape)))

        # in the order an inputs file's checks run: every value finite (alpha_bar's beyond T too), then the ranges
        for tensor, name in ((w, 'w_model'), (b, 'betas'), (a, 'alpha_bar')):
            _check_finite(tensor, name)
        _check_schedule(b, a[:self._T])

        seed_int = _integer(seed, 'seed')
        if not _SEED_MIN <= seed_int < _SEED_END:
            raise ValueError('seed: %d is out of range: torch.Generator().manual_seed accepts integers in [-2^63, 2^64) '
                             '(PyTorch raises "RuntimeError: Overflow when unpacking long")' % seed_int)
        # the loop seeds step t's noise with seed + 100 + t (t = T-1 down to 1): the largest must be a seed too
        if self._T > 1 and seed_int + 100 + self._T - 1 >= _SEED_END:
            t = self._T - 1
            raise ValueError('seed: the step seed seed + 100 + %d = %d is out of range: torch.Generator().manual_seed '
                             'accepts integers in [-2^63, 2^64) (PyTorch raises "RuntimeError: Overflow when unpacking '
                             'long")' % (t, seed_int + 100 + t))
        self._seed = seed_int

        every = _integer(every, 'every')
        if every < 1:
            raise ValueError('every: expected an integer >= 1, got %d' % every)
        self._every_given = every  # as the user wrote it, for messages
        self._every = min(every, self._T)  # any k >= T keeps the same steps (t = T-1 and 0): T, an exact JSON number
        if note is not None and not isinstance(note, str):
            raise ValueError('note: expected a string, got %s' % _what(note))
        self._note = note

        # the bytes are taken now: changing the user's tensors afterwards does not change the recording
        self._w, self._betas, self._alpha_bar = w, b, a
        self._inputs = {'w_model': _Recorded(w), 'betas': _Recorded(b), 'alpha_bar': _Recorded(a)}
        self._init = None
        self._steps = []
        self._last_t = None
        self._warned_every = False

    # ---- recording ----

    def init(self, x):
        """Records x_T, the initial noise (call it before the loop's first step)."""
        if self._last_t == 0:
            raise ValueError('x: ' + _FINISHED)
        if self._last_t is not None:
            raise ValueError('x: rec.init(x) records x_T, before the first step; it came after rec.step(%d, x) (a new '
                             'ddpm_lab.Recorder(...) records another run: a loop cell run again, after an interrupted '
                             'run, reuses the old one)' % self._last_t)
        self._init = _Recorded(self._state(x, 'x'))

    def step(self, t, x):
        """Records x after step t (x_{t-1} in the paper's notation): t = T-1 first, down to 0, once each."""
        t = _integer(t, 't')
        if not 0 <= t < self._T:
            hint = ' (a loop over t = T..1 is 1-based: pass t - 1)' if t == self._T else ''
            raise ValueError('t: expected a step in [0, T) = [0, %d), got %d%s' % (self._T, t, hint))
        # a loop over range(T): its first step, 0, was taken as the last (T = 2 too, where its second is T-1)
        if self._last_t == 0 and t == 1 and [s for s, _ in self._steps] == [0]:
            raise ValueError('t: step 1 after step 0: the loop counts up, but DDPM samples from t = T-1 down to 0 '
                             '(for t in reversed(range(T))); call rec.step(t, x) in that order')
        if self._last_t == 0:  # any step after step 0: the run has finished (a loop run again, whatever it records)
            raise ValueError('t: ' + _FINISHED)
        if self._last_t is not None and t >= self._last_t:
            raise ValueError('t: step %d after step %d; call rec.step(t, x) in loop order (T-1 down to 0), once per step '
                             '(a new Recorder records another run)' % (t, self._last_t))
        state = self._state(x, 'x')
        skipped = self._last_t is not None and t < self._last_t - 1
        kept = (self._T - 1 - t) % self._every == 0 or t == 0
        recorded = _Recorded(state) if kept else None  # copied first: a copy that fails leaves the step unrecorded
        self._last_t = t
        if kept:
            self._steps.append((t, recorded))
        elif skipped and not self._warned_every:
            self._warned_every = True
            warnings.warn('rec.step(%d, x) was not recorded: every=%d keeps one step in %d, counted from t = T-1 (and '
                          't = 0), and your loop already passes only some steps; leave every at 1 when the loop '
                          'chooses the steps itself' % (t, self._every_given, self._every_given), stacklevel=2)

    def _state(self, x, name):
        if not isinstance(x, torch.Tensor):
            raise ValueError('%s: expected a torch tensor of shape (%d, %d), got %s' % (name, self._n, self._d, _what(x)))
        _check_dense(x, name)
        if x.is_meta:
            raise ValueError('%s: a tensor on the meta device holds no values' % name)
        if x.dtype not in _DTYPE_NAMES:
            raise ValueError('%s: expected a float32 or float64 tensor, got dtype %s' % (name, x.dtype))
        if tuple(x.shape) != (self._n, self._d):
            raise ValueError('%s: expected shape (%d, %d) like shape = [%d, %d], got %s'
                             % (name, self._n, self._d, self._n, self._d, _shape_text(x.shape)))
        return x

    # ---- the payload ----

    def payload(self):
        """The recording as a JSON-ready dict (schema ddpm-lab.recording/1; README "Use it from Jupyter")."""
        out = {
            'schema': SCHEMA,
            'inputs': {
                'w_model': self._inputs['w_model'].json(),
                'shape': [self._n, self._d],
                'betas': self._inputs['betas'].json(),
                'alpha_bar': self._inputs['alpha_bar'].json(),
                'seed': str(self._seed),
            },
            'init': self._init.json() if self._init is not None else None,
            'steps': [{'t': t, 'x': x.json()} for t, x in self._steps],
            'every': self._every,
            'T': self._T,
            'torch': {'version': str(torch.__version__)},
        }
        if self._note is not None:
            out['note'] = self._note
        return out

    def save(self, path, overwrite=False):
        """Writes the payload as JSON (what `node dist/cli.js compare INPUT.json run.json` reads), whole or not at all.
        A recording saved before is replaced; any other existing file only with overwrite=True."""
        _check_path(path)
        _write_replacing(path, json.dumps(self.payload(), separators=(',', ':')) + '\n', 'recording', overwrite)

    def inputs_json(self):
        """The five inputs as DDPM Lab's INPUT.json object. Numbers are Python floats holding the recorded values
        exactly (float32 values read back as the same float32); the seed is a decimal string beyond 2^53."""
        # DDPM Lab refuses a JSON-number seed of 2^53 or more in magnitude (JSON numbers lose digits there)
        seed = self._seed if abs(self._seed) < 1 << 53 else str(self._seed)
        return {
            'w_model': _json_values(self._w.tolist()),
            'shape': [self._n, self._d],
            'betas': _json_values(self._betas.tolist()),
            'alpha_bar': _json_values(self._alpha_bar.tolist()),
            'seed': seed,
        }

    def save_inputs(self, path, overwrite=False):
        """Writes inputs_json() to a file (the INPUT.json of `node dist/cli.js compare INPUT.json run.json`), whole or
        not at all. An inputs file save_inputs() wrote is replaced; any other existing file (a hand-written inputs
        file too) only with overwrite=True."""
        _check_path(path)
        _write_replacing(path, _inputs_text(self.inputs_json()), 'inputs', overwrite)

    # ---- display ----

    def _describe(self):
        count = len(self._steps)
        if count == 0:
            head, which = 'DDPM Lab recording with no steps yet', 'T = %d' % self._T
        else:
            head = 'DDPM Lab recording of %d step%s' % (count, '' if count == 1 else 's')
            if self._every == 1:
                which = 'every step' if count == self._T else '%d of the T = %d steps' % (count, self._T)
            elif self._last_t == 0:
                which = 'of the T = %d steps: every %d, and the last' % (self._T, self._every)
            else:  # not at step 0 yet: the last is still to come
                which = 'of the T = %d steps: every %d' % (self._T, self._every)
            if self._last_t != 0:
                which += '; the loop has not reached step 0 yet, so the sample is not in it'
        return ('%s (%s; N = %d, d = %d, seed %d%s): your loop\'s states at full precision with its five inputs. '
                'The DDPM Lab VS Code extension renders it next to the exact reference run. Elsewhere (JupyterLab, a '
                'script), save it with rec.save("run.json") and check it with DDPM Lab\'s command-line tool: '
                '`node dist/cli.js compare run.json`.'
                % (head, which, self._n, self._d, self._seed, ', x_T recorded' if self._init is not None else ''))

    def __repr__(self):
        return self._describe()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What Jupyter displays: the recording (our MIME type) and a text/plain fallback saying how to view it."""
        bundle = {MIME: self.payload(), 'text/plain': self._describe()}
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle
