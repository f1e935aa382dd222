"""Unit tests of the Python helper python/ddpm_lab.py (README "Use it from Jupyter").

Run: /usr/bin/python3 -m unittest discover -s python -p 'test_*.py'   (npm test runs it: test/unit/python/helper.test.ts)
Skipped, with the reason, when PyTorch is not importable; the IPython tests when IPython is not.
The user's loop is scripts/fixtures/reference.py (the oracle scripts' one PyTorch loop), recorded through its on_step.
"""
import ast
import base64
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
import warnings

try:
    import numpy as np
except ImportError:  # the helper works without NumPy; so do its tests
    np = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELPER = os.path.join(HERE, 'ddpm_lab.py')
REFERENCE_DIR = os.path.join(ROOT, 'scripts', 'fixtures')
SEED_INPUTS = os.path.join(ROOT, 'media', 'examples', 'seed.inputs.json')
MIME = 'application/vnd.ddpm-lab.recording+json'

try:
    import torch
    TORCH_MISSING = None
except ImportError as error:  # pragma: no cover - depends on the machine
    torch = None
    TORCH_MISSING = 'PyTorch is not importable by %s (%s); apt-get install -y python3-torch' % (sys.executable, error)

try:
    import IPython  # noqa: F401
    IPYTHON_MISSING = None
except ImportError as error:  # pragma: no cover - depends on the machine
    IPYTHON_MISSING = 'IPython is not importable by %s (%s); apt-get install -y python3-ipython' % (sys.executable, error)

if torch is not None:
    import ddpm_lab
    sys.path.insert(0, REFERENCE_DIR)
    import reference


def seed_inputs():
    with open(SEED_INPUTS) as f:
        return json.load(f)


def decode(tensor_json):
    """A payload tensor back as a torch tensor of its dtype and shape (torch.frombuffer: no NumPy involved)."""
    dtype = {'float32': torch.float32, 'float64': torch.float64}[tensor_json['dtype']]
    raw = bytearray(base64.b64decode(tensor_json['base64'], validate=True))
    if not raw:
        return torch.zeros(tensor_json['shape'], dtype=dtype)
    return torch.frombuffer(raw, dtype=dtype).reshape(tensor_json['shape'])


def bits(tensor):
    """The bit patterns of a float32/float64 tensor, as a flat list of ints (NaN payloads and -0 included)."""
    as_int = {torch.float32: torch.int32, torch.float64: torch.int64}[tensor.dtype]
    return tensor.detach().contiguous().view(as_int).reshape(-1).tolist()


def tricky_f32(rows, cols, finite=False):
    """float32 values that a printed copy would lose: NaN with a payload, -0, infinities, subnormals, extremes (only
    the finite ones with finite=True: the five inputs must be finite, as an inputs file's)."""
    specials = [0x7fc00001, 0xffc12345, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x7f7fffff,
                0x3f800001, 0xbeaaaaab, 0x00800000, 0x33d6bf95]
    if finite:
        specials = [v for v in specials if v & 0x7f800000 != 0x7f800000]
    n = rows * cols
    ints = [specials[i % len(specials)] for i in range(n)]
    signed = [v - (1 << 32) if v >= 1 << 31 else v for v in ints]
    return torch.tensor(signed, dtype=torch.int32).view(torch.float32).reshape(rows, cols)


def record_seed_loop(every=1, step_seed=None):
    """The seed example's inputs, run through reference.sample, recorded by a Recorder; returns (rec, states)."""
    inp = seed_inputs()
    w = torch.tensor(inp['w_model'])
    betas = torch.tensor(inp['betas'])
    alpha_bar = torch.tensor(inp['alpha_bar'])
    rec = ddpm_lab.Recorder(w, inp['shape'], betas, alpha_bar, inp['seed'], every=every)
    states = {}

    def on_step(t, x, eps, mean, z, x_prev):
        if t == len(betas) - 1:
            rec.init(x)
            states['init'] = x.clone()
        rec.step(t, x_prev)
        states[t] = x_prev.clone()

    reference.sample(w, inp['shape'], betas, alpha_bar, inp['seed'], on_step)
    return rec, states


@unittest.skipIf(torch is None, TORCH_MISSING)
class PayloadTest(unittest.TestCase):
    def test_schema_and_fields(self):
        rec, _ = record_seed_loop()
        p = rec.payload()
        self.assertEqual(p['schema'], 'ddpm-lab.recording/1')
        self.assertEqual(sorted(p), ['T', 'every', 'init', 'inputs', 'schema', 'steps', 'torch'])
        self.assertEqual(sorted(p['inputs']), ['alpha_bar', 'betas', 'seed', 'shape', 'w_model'])
        self.assertEqual(p['inputs']['shape'], [4, 2])
        self.assertEqual(p['inputs']['seed'], '42')
        self.assertEqual((p['T'], p['every']), (4, 1))
        self.assertEqual(p['torch'], {'version': str(torch.__version__)})
        self.assertEqual([s['t'] for s in p['steps']], [3, 2, 1, 0])
        for tensor_json in [p['init']] + [s['x'] for s in p['steps']]:
            self.assertEqual(sorted(tensor_json), ['base64', 'dtype', 'shape'])
            self.assertEqual((tensor_json['dtype'], tensor_json['shape']), ('float32', [4, 2]))
        # JSON as it is written: no NaN/Infinity tokens, so every JSON reader takes it
        json.dumps(p, allow_nan=False)

    def test_states_are_the_exact_bits_of_the_loop(self):
        rec, states = record_seed_loop()
        p = rec.payload()
        self.assertEqual(bits(decode(p['init'])), bits(states['init']))
        for s in p['steps']:
            self.assertEqual(bits(decode(s['x'])), bits(states[s['t']]), 't = %d' % s['t'])

    def test_states_round_trip_values_a_print_would_lose(self):
        x = tricky_f32(4, 3)
        rec = ddpm_lab.Recorder(torch.zeros(4, 3), [4, 3], [0.1, 0.2], [0.9, 0.72], 7)
        rec.init(x)
        rec.step(1, x.t().contiguous().t())  # a non-contiguous view of the same values
        y = x.clone().requires_grad_(False) * 1
        rec.step(0, y)
        p = rec.payload()
        self.assertEqual(bits(decode(p['init'])), bits(x))
        self.assertEqual(bits(decode(p['steps'][0]['x'])), bits(x))
        self.assertEqual(bits(decode(p['steps'][1]['x'])), bits(y))
        self.assertEqual(len(base64.b64decode(p['init']['base64'])), 4 * 4 * 3)

    def test_a_state_changed_in_place_afterwards_keeps_its_recorded_bits(self):
        rec = ddpm_lab.Recorder(torch.zeros(3, 2), [2, 2], [0.1, 0.2], [0.9, 0.72], 0)
        x = torch.tensor([[1.5, -2.0], [0.25, 3.0]])
        before = bits(x)
        rec.step(1, x)
        x.mul_(2)  # loops often update x in place
        rec.step(0, x)
        p = rec.payload()
        self.assertEqual(bits(decode(p['steps'][0]['x'])), before)
        self.assertEqual(bits(decode(p['steps'][1]['x'])), bits(x))

    def test_float64_states_are_kept_float64(self):
        rec = ddpm_lab.Recorder(torch.zeros(3, 2), [2, 2], [0.1], [0.9], 0)
        x = torch.tensor([[0.1, 1 / 3], [-2.5e-300, math.pi]], dtype=torch.float64)
        rec.step(0, x)
        s = rec.payload()['steps'][0]['x']
        self.assertEqual(s['dtype'], 'float64')
        self.assertEqual(bits(decode(s)), bits(x))

    def test_inputs_keep_their_exact_bits_and_dtype(self):
        w = tricky_f32(3, 2, finite=True)
        betas64 = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
        alpha_bar64 = torch.cumprod(1 - betas64, dim=0)
        # the largest seed a 3-step loop takes: its last step seed, seed + 100 + 2, is 2^64 - 1
        rec = ddpm_lab.Recorder(w, (2, 2), betas64, alpha_bar64, 2 ** 64 - 103)
        p = rec.payload()['inputs']
        self.assertEqual(p['w_model']['dtype'], 'float32')
        self.assertEqual(bits(decode(p['w_model'])), bits(w))
        self.assertEqual((p['betas']['dtype'], p['alpha_bar']['dtype']), ('float64', 'float64'))
        self.assertEqual(bits(decode(p['betas'])), bits(betas64))
        self.assertEqual(bits(decode(p['alpha_bar'])), bits(alpha_bar64))
        self.assertEqual(p['seed'], '18446744073709551513')
        self.assertEqual(ddpm_lab.Recorder(w, (2, 2), betas64, alpha_bar64, -2 ** 63).payload()['inputs']['seed'],
                         '-9223372036854775808')

    def test_lists_keep_the_doubles_python_floats_are(self):
        inp = seed_inputs()
        rec = ddpm_lab.Recorder(inp['w_model'], inp['shape'], inp['betas'], inp['alpha_bar'], inp['seed'])
        p = rec.payload()['inputs']
        for key in ('w_model', 'betas', 'alpha_bar'):
            self.assertEqual(p[key]['dtype'], 'float64', key)
            self.assertEqual(decode(p[key]).tolist(), inp[key], key)  # the Python floats, exactly

    def test_lists_of_float32_tensors_or_numpy_scalars_keep_float32(self):
        # a list made from a float32 tensor holds float32 values: the loop computes with them as float32
        betas = torch.linspace(1e-4, 0.02, 4)
        alpha_bar = torch.cumprod(1 - betas, dim=0)
        for kind, items in (('0-d tensors', lambda t: [v for v in t]), ('NumPy float32', lambda t: list(t.numpy()))):
            rec = ddpm_lab.Recorder([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [4, 2], items(betas), items(alpha_bar), 0)
            p = rec.payload()['inputs']
            self.assertEqual((p['betas']['dtype'], p['alpha_bar']['dtype']), ('float32', 'float32'), kind)
            self.assertEqual(bits(decode(p['betas'])), bits(betas), kind)
            self.assertEqual(p['w_model']['dtype'], 'float64', 'a nested list of Python floats stays float64')

    def test_inputs_are_copied_when_the_recorder_is_made(self):
        betas = torch.tensor([0.1, 0.2])
        rec = ddpm_lab.Recorder(torch.zeros(3, 2), [1, 2], betas, [0.9, 0.72], 0)
        betas[0] = 0.5
        self.assertEqual(decode(rec.payload()['inputs']['betas']).tolist()[0], torch.tensor(0.1).item())

    def test_numpy_and_pure_torch_byte_paths_agree(self):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)  # named tensors are an experimental feature
            named = tricky_f32(2, 3).refine_names('N', 'd')  # (the pure-torch path's reshape refused its names)
        for tensor in (tricky_f32(5, 3), tricky_f32(1, 7).double() * 3, torch.tensor([1e-310, -0.0, 2.0], dtype=torch.float64),
                       named):
            with_numpy = ddpm_lab._tensor_bytes(tensor)
            without = ddpm_lab._tensor_bytes(tensor, use_numpy=False)
            self.assertEqual(with_numpy, without)
            self.assertEqual(bits(torch.frombuffer(bytearray(without), dtype=tensor.dtype)), bits(tensor.rename(None)))

    def test_note_is_written_only_when_given(self):
        self.assertNotIn('note', ddpm_lab.Recorder([[0.0, 0.0]] * 3, [1, 2], [0.1], [0.9], 0).payload())
        rec = ddpm_lab.Recorder([[0.0, 0.0]] * 3, [1, 2], [0.1], [0.9], 0, note='cosine schedule, run 2')
        self.assertEqual(rec.payload()['note'], 'cosine schedule, run 2')

    def test_save_writes_the_payload(self):
        rec, _ = record_seed_loop()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'run.json')
            rec.save(path)
            with open(path) as f:
                self.assertEqual(json.load(f), rec.payload())


@unittest.skipIf(torch is None, TORCH_MISSING)
class EveryTest(unittest.TestCase):
    def recorded(self, T, every):
        rec = ddpm_lab.Recorder(torch.zeros(2, 1), [3, 1], [0.01] * T, [0.5] * T, 1, every=every)
        x = torch.zeros(3, 1)
        for t in range(T - 1, -1, -1):
            rec.step(t, x + t)
        steps = rec.payload()['steps']
        for s in steps:  # each kept step holds the state of its own t
            self.assertEqual(decode(s['x']).tolist(), [[float(s['t'])]] * 3)
        return [s['t'] for s in steps]

    def test_every_kth_step_counted_from_the_first_and_the_last(self):
        self.assertEqual(self.recorded(10, 1), list(range(9, -1, -1)))
        self.assertEqual(self.recorded(10, 3), [9, 6, 3, 0])
        self.assertEqual(self.recorded(10, 4), [9, 5, 1, 0])
        self.assertEqual(self.recorded(10, 25), [9, 0])
        self.assertEqual(self.recorded(1, 5), [0])

    def test_payload_says_every(self):
        rec = ddpm_lab.Recorder(torch.zeros(2, 1), [1, 1], [0.01] * 5, [0.5] * 5, 1, every=2)
        self.assertTrue(repr(rec).startswith('DDPM Lab recording with no steps yet (T = 5; N = 1, d = 1, seed 1)'), repr(rec))
        for t in range(4, 0, -1):
            rec.step(t, torch.zeros(1, 1))
        # not at step 0 yet: the last step is not in it
        self.assertTrue(repr(rec).startswith('DDPM Lab recording of 2 steps (of the T = 5 steps: every 2; the loop has '
                                             'not reached step 0 yet, so the sample is not in it;'), repr(rec))
        rec.step(0, torch.zeros(1, 1))
        self.assertEqual(rec.payload()['every'], 2)
        self.assertTrue(repr(rec).startswith('DDPM Lab recording of 3 steps (of the T = 5 steps: every 2, and the last; '), repr(rec))

    def test_a_loop_that_has_not_reached_step_0_says_so(self):
        rec = ddpm_lab.Recorder(torch.zeros(2, 1), [1, 1], [0.01] * 5, [0.5] * 5, 1)
        for t in range(4, 0, -1):  # range(T - 1, 0, -1): step 0 left out
            rec.step(t, torch.zeros(1, 1))
        self.assertIn('4 of the T = 5 steps; the loop has not reached step 0 yet, so the sample is not in it', repr(rec))
        rec.step(0, torch.zeros(1, 1))
        self.assertNotIn('not reached', repr(rec))

    def test_steps_the_loop_chose_itself_that_every_drops_are_warned_of_once(self):
        rec = ddpm_lab.Recorder(torch.zeros(2, 1), [1, 1], [0.01] * 20, [0.5] * 20, 1, every=5)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            for t in (15, 10, 5, 0):  # the loop records every 5th step itself, from t = 15
                rec.step(t, torch.zeros(1, 1))
        self.assertEqual([s['t'] for s in rec.payload()['steps']], [0])
        self.assertEqual(len(caught), 1)
        self.assertIn('rec.step(10, x) was not recorded: every=5 keeps one step in 5, counted from t = T-1', str(caught[0].message))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assertEqual(self.recorded(10, 3), [9, 6, 3, 0])  # every step passed: nothing to warn of
        self.assertEqual(caught, [])


@unittest.skipIf(torch is None, TORCH_MISSING)
class ValidationTest(unittest.TestCase):
    def setUp(self):
        self.w = torch.zeros(3, 2)
        self.betas = torch.tensor([0.1, 0.2, 0.3, 0.4])
        self.alpha_bar = torch.cumprod(1 - self.betas, dim=0)

    def rec(self, **kw):
        args = dict(w_model=self.w, shape=[4, 2], betas=self.betas, alpha_bar=self.alpha_bar, seed=42)
        args.update(kw)
        return ddpm_lab.Recorder(**args)

    def assertMessage(self, make, message):
        with self.assertRaises(ValueError) as caught:
            make()
        self.assertEqual(str(caught.exception), message)
        self.assertNotIn('\n', str(caught.exception))

    def test_constructor_names_the_argument(self):
        self.assertMessage(lambda: self.rec(shape=[4, 2, 1]), 'shape: expected [N, d] (two integers), got 3 values')
        self.assertMessage(lambda: self.rec(shape=4), 'shape: expected [N, d], got 4 (int)')
        self.assertMessage(lambda: self.rec(shape=[4.5, 2]), 'shape[0]: expected an integer, got 4.5 (float)')
        self.assertMessage(lambda: self.rec(shape=[0, 2]), 'shape: N = 0 is below 1')
        self.assertMessage(lambda: self.rec(shape=[4, 3]), 'w_model: expected shape (4, 3) for d = 3, got (3, 2)')
        self.assertMessage(lambda: self.rec(w_model=self.w.half()), 'w_model: expected a float32 or float64 tensor, got dtype torch.float16')
        self.assertMessage(lambda: self.rec(w_model='w'), self._as_tensor_message('w'))
        self.assertMessage(lambda: self.rec(betas=torch.zeros(2, 2)), 'betas: expected a 1-D tensor of T >= 1 values, got shape (2, 2)')
        self.assertMessage(lambda: self.rec(betas=[]), 'betas: expected a 1-D tensor of T >= 1 values, got shape (0,)')
        self.assertMessage(lambda: self.rec(alpha_bar=self.alpha_bar[:3]),
                           'alpha_bar: expected a 1-D tensor of at least T = 4 values (as many as betas), got shape (3,)')
        self.assertMessage(lambda: self.rec(seed=1.0), 'seed: expected an integer, got 1.0 (float) (int(seed) makes it one)')
        self.assertMessage(lambda: self.rec(seed=True), 'seed: expected an integer, got True')
        self.assertMessage(lambda: self.rec(seed=2 ** 64),
                           'seed: 18446744073709551616 is out of range: torch.Generator().manual_seed accepts integers in [-2^63, 2^64) '
                           '(PyTorch raises "RuntimeError: Overflow when unpacking long")')
        # the largest step seed of a T = 4 loop, seed + 100 + 3, one past what manual_seed takes (PyTorch raises for it)
        seed = 2 ** 64 - 103
        with self.assertRaisesRegex(RuntimeError, 'Overflow when unpacking long'):
            torch.Generator().manual_seed(seed + 100 + 3)
        torch.Generator().manual_seed(seed + 100 + 2)
        self.assertMessage(lambda: self.rec(seed=seed),
                           'seed: the step seed seed + 100 + 3 = 18446744073709551616 is out of range: '
                           'torch.Generator().manual_seed accepts integers in [-2^63, 2^64) '
                           '(PyTorch raises "RuntimeError: Overflow when unpacking long")')
        self.rec(seed=seed - 1)
        self.assertMessage(lambda: self.rec(every=0), 'every: expected an integer >= 1, got 0')
        self.assertMessage(lambda: self.rec(note=3), 'note: expected a string, got 3 (int)')

    def _as_tensor_message(self, value):
        try:
            torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError) as error:
            why = str(error).strip().splitlines()[0]
        return "w_model: expected a tensor or a list of numbers, got %r (str) (%s)" % (value, why)

    def test_step_and_init_name_the_argument(self):
        rec = self.rec()
        x = torch.zeros(4, 2)
        self.assertMessage(lambda: rec.step(4, x), 't: expected a step in [0, T) = [0, 4), got 4 (a loop over t = T..1 is 1-based: pass t - 1)')
        self.assertMessage(lambda: rec.step(-1, x), 't: expected a step in [0, T) = [0, 4), got -1')
        self.assertMessage(lambda: rec.step(2.0, x), 't: expected an integer, got 2.0 (float) (int(t) makes it one)')
        self.assertMessage(lambda: rec.step(3, x.t()), 'x: expected shape (4, 2) like shape = [4, 2], got (2, 4)')
        self.assertMessage(lambda: rec.step(3, x.half()), 'x: expected a float32 or float64 tensor, got dtype torch.float16')
        self.assertMessage(lambda: rec.step(3, x.tolist()), 'x: expected a torch tensor of shape (4, 2), got [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], ... (list)')
        self.assertMessage(lambda: rec.init(torch.zeros(4)), 'x: expected shape (4, 2) like shape = [4, 2], got (4,)')
        rec.step(torch.tensor(3), x)  # a 0-d integer tensor is an integer
        self.assertMessage(lambda: rec.step(3, x),
                           't: step 3 after step 3; call rec.step(t, x) in loop order (T-1 down to 0), once per step (a new Recorder records another run)')
        self.assertMessage(lambda: rec.init(x), 'x: rec.init(x) records x_T, before the first step; it came after '
                           'rec.step(3, x) (a new ddpm_lab.Recorder(...) records another run: a loop cell run again, '
                           'after an interrupted run, reuses the old one)')
        # a NumPy scalar (for t in np.linspace(T - 1, 0, T)) is no array, and int(t) is the fix, not torch.from_numpy
        try:
            import numpy as np
        except ImportError:
            return
        self.assertMessage(lambda: rec.step(np.float64(2), x),
                           't: expected an integer, got a NumPy float64 scalar, 2.0 (int(t) makes it one)')
        self.assertMessage(lambda: rec.step(np.float64(2.5), x), 't: expected an integer, got a NumPy float64 scalar, 2.5')

    def test_the_schedule_is_range_checked_as_an_inputs_file_is(self):
        self.assertMessage(lambda: self.rec(betas=torch.tensor([0.0, 0.2, 0.3, 0.4])),
                           'betas: betas[0] = 0.0 is outside (0, 1)')
        self.assertMessage(lambda: self.rec(alpha_bar=torch.tensor([0.9, 0.5, 1.0, 0.1])),
                           'alpha_bar: alpha_bar[2] = 1.0 is outside [0, 1) (1 - alpha_bar[t] must be positive)')
        self.assertMessage(lambda: self.rec(betas=torch.tensor([0.1, float('nan'), 0.3, 0.4])),
                           'betas: non-finite value nan at [1]')
        self.assertMessage(lambda: self.rec(betas=torch.tensor([0.1, 0.2, 1 - 2 ** -30, 0.4], dtype=torch.float64)),
                           'betas: betas[2] = 0.9999999990686774 is outside (0, 1) in float32 (it rounds to 1.0)')
        self.assertMessage(lambda: self.rec(betas=[1e-46, 0.2, 0.3, 0.4]),
                           'betas: betas[0] = 1e-46 is outside (0, 1) in float32 (it rounds to 0.0)')
        self.assertMessage(lambda: self.rec(alpha_bar=torch.tensor([0.9, 0.5, 1 - 2 ** -30, 0.1], dtype=torch.float64)),
                           'alpha_bar: alpha_bar[2] = 0.9999999990686774 is outside [0, 1) in float32 (it rounds to 1.0) '
                           '(1 - alpha_bar[t] must be positive)')
        self.rec(alpha_bar=torch.tensor([0.9, 0.5, 0.2, 0.1, 5.0]))  # beyond T: not read, as DDPM Lab reads it
        # alphas_cumprod_prev (1 first) given for alpha_bar: said what that first 1 is
        betas = torch.tensor([0.1, 0.2, 0.3, 0.4])
        prev = torch.cat([torch.ones(1), torch.cumprod(1 - betas, 0)[:-1]])
        self.assertMessage(lambda: self.rec(betas=betas, alpha_bar=prev),
                           'alpha_bar: alpha_bar[0] = 1.0 is outside [0, 1) (1 - alpha_bar[t] must be positive); '
                           'alpha_bar[0] = 1 is the value before the first step (alphas_cumprod_prev); alpha_bar[t] is '
                           'the product up to step t included, alpha_bar[0] = 1 - betas[0]')

    def test_an_nn_linear_weight_is_named_as_the_transpose(self):
        weight = torch.nn.Linear(3, 2, bias=False).weight  # (out, in) = (2, 3), applied as x @ weight.T
        self.assertMessage(lambda: self.rec(w_model=weight),
                           "w_model: expected shape (3, 2) for d = 2, got (2, 3), its transpose (an nn.Linear's weight is "
                           "(out, in) and is applied as x @ weight.T: pass weight.T)")
        self.rec(w_model=weight.T)

    def test_non_finite_inputs_are_refused_when_the_recorder_is_made(self):
        # the messages an inputs file gets (src/core/sampler/inputs.ts requireFinite), so the loop does not run first
        w = torch.tensor([[0.1, 0.2], [float('nan'), 0.4], [0.5, 0.6]])
        self.assertMessage(lambda: self.rec(w_model=w), 'w_model: non-finite value nan at [1, 0]')
        w64 = torch.tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 1e39]], dtype=torch.float64)
        self.assertMessage(lambda: self.rec(w_model=w64), 'w_model: non-finite value inf at [2, 1] (1e+39 overflows float32)')
        # beyond T too: an inputs file's alpha_bar is read whole
        self.assertMessage(lambda: self.rec(alpha_bar=torch.tensor([0.9, 0.5, 0.2, 0.1, float('-inf')])),
                           'alpha_bar: non-finite value -inf at [4]')

    def test_a_loop_counting_up_is_told_the_order(self):
        counting_up = ('t: step 1 after step 0: the loop counts up, but DDPM samples from t = T-1 down to 0 '
                       '(for t in reversed(range(T))); call rec.step(t, x) in that order')
        x = torch.zeros(4, 2)
        for T in (4, 2):  # T = 2: the second step of a loop over range(T) is T-1
            rec = self.rec(betas=self.betas[:T], alpha_bar=self.alpha_bar[:T])
            rec.step(0, x)  # for t in range(T): its first step reads as the last
            self.assertMessage(lambda: rec.step(1, x), counting_up)

    def test_arguments_are_named_with_their_values(self):
        self.assertMessage(lambda: self.rec(shape=[4.0, 2]),
                           'shape[0]: expected an integer, got 4.0 (float) (int(shape[0]) makes it one)')
        self.assertMessage(lambda: self.rec(seed=torch.tensor(42.0)),
                           'seed: expected an integer, got a float32 tensor of shape (), 42.0 (int(seed) makes it one)')
        self.assertMessage(lambda: self.rec(seed=torch.Generator().manual_seed(3)),
                           'seed: expected an integer, got a torch.Generator (g.initial_seed() is the seed it was made '
                           'with)')
        rec = self.rec()
        for path, what in ((1, '1 (int)'), (None, 'None (NoneType)')):
            expected = 'path: expected a file name (str, bytes or os.PathLike), got ' + what
            self.assertMessage(lambda: rec.save(path), expected)
            self.assertMessage(lambda: rec.save_inputs(path), expected)

    def test_a_finished_run_asks_for_a_new_recorder(self):
        rec = self.rec()
        x = torch.zeros(4, 2)
        for t in range(3, -1, -1):
            rec.step(t, x)
        finished = ('this Recorder already holds a finished run (down to step 0); make a new ddpm_lab.Recorder(...) to '
                    'record another run (a cell run again reuses the old one)')
        self.assertMessage(lambda: rec.step(3, x), 't: ' + finished)
        self.assertMessage(lambda: rec.init(x), 'x: ' + finished)
        # a loop that records some steps only (its first call t = 2, or 0 again), run again on the same Recorder
        for t in (2, 1, 0):
            self.assertMessage(lambda: rec.step(t, x), 't: ' + finished)

    def test_meta_inputs_are_named(self):
        meta = torch.empty(3, 2, device='meta')
        self.assertMessage(lambda: ddpm_lab.Recorder(meta, [4, 2], [0.1], [0.9], 0),
                           'w_model: a tensor on the meta device holds no values')
        self.assertMessage(lambda: ddpm_lab.Recorder(torch.zeros(3, 2), [4, 2], torch.empty(1, device='meta'), [0.9], 0),
                           'betas: a tensor on the meta device holds no values')

    def test_numpy_and_sparse_states_are_named(self):
        rec = self.rec()
        x = torch.zeros(4, 2)
        if np is not None:
            self.assertMessage(lambda: rec.step(3, x.numpy()),
                               'x: expected a torch tensor of shape (4, 2), got a NumPy float32 array of shape (4, 2) '
                               '(torch.from_numpy(x) makes it a tensor)')
        self.assertMessage(lambda: rec.step(3, x.to_sparse()),
                           'x: expected a dense tensor, got layout torch.sparse_coo (x.to_dense() makes one)')

    def test_a_refused_step_records_nothing(self):
        rec = self.rec()
        with self.assertRaises(ValueError):
            rec.step(3, torch.zeros(2, 4))
        rec.step(3, torch.zeros(4, 2))  # still the first step
        self.assertEqual([s['t'] for s in rec.payload()['steps']], [3])


    def test_a_step_whose_copy_fails_can_be_given_again(self):
        rec = self.rec()
        self.assertMessage(lambda: rec.step(3, torch.empty(4, 2, device='meta')),
                           'x: a tensor on the meta device holds no values')
        rec.step(3, torch.zeros(4, 2))  # still step 3: the refused one was not counted
        self.assertEqual([s['t'] for s in rec.payload()['steps']], [3])

    def test_bools_overflowing_numbers_and_other_layouts_are_named(self):
        self.assertMessage(lambda: self.rec(seed=torch.tensor(True)),
                           'seed: expected an integer, got a torch.bool tensor of shape (), True')
        self.assertMessage(lambda: self.rec(shape=[torch.tensor(True), 2]),
                           'shape[0]: expected an integer, got a torch.bool tensor of shape (), True')
        if np is not None:
            self.assertMessage(lambda: self.rec(seed=np.bool_(True)), 'seed: expected an integer, got a NumPy bool scalar, True')
        self.assertMessage(lambda: self.rec(betas=[10 ** 400] * 4),
                           'betas: expected a tensor or a list of numbers, got [1%s... (list) (int too large to '
                           'convert to float)' % ('0' * 35))
        # a list of the rows as tensors: PyTorch's own message, and how to make one tensor of them
        self.assertMessage(lambda: self.rec(w_model=list(self.w)),
                           'w_model: expected a tensor or a list of numbers, got [tensor([0., 0.]), tensor([0., 0.]), '
                           '... (list) (only one element tensors can be converted to Python scalars; '
                           'torch.stack(w_model) makes one tensor of its rows)')
        self.assertMessage(lambda: self.rec(w_model=self.w.to_sparse()),
                           'w_model: expected a dense tensor, got layout torch.sparse_coo (x.to_dense() makes one)')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)  # PyTorch: named tensors are experimental
            w_named, b_named = self.w.refine_names('rows', 'cols'), self.betas.refine_names('T')
        named = self.rec(w_model=w_named, betas=b_named)
        self.assertEqual(named.payload()['inputs']['betas']['shape'], [4])

    @unittest.skipIf(np is None, 'NumPy is not importable')
    def test_numpy_arrays_of_any_layout_are_taken_as_their_values(self):
        w = np.arange(6, dtype=np.float32).reshape(3, 2) / 8
        readonly = w.copy()
        readonly.setflags(write=False)
        for given in (np.flip(w, 0), w.astype('>f4')[::-1], readonly[::-1]):
            with warnings.catch_warnings():
                warnings.simplefilter('error')  # no "not writable" UserWarning from torch
                rec = self.rec(w_model=given)
            recorded = decode(rec.payload()['inputs']['w_model'])
            self.assertEqual(recorded.dtype, torch.float32)
            self.assertEqual(recorded.tolist(), np.ascontiguousarray(given, dtype=np.float32).tolist())

    def test_the_limits_of_a_recording_are_checked_when_the_recorder_is_made(self):
        self.assertMessage(lambda: self.rec(shape=[2 ** 24 + 1, 2], w_model=torch.zeros(3, 2)),
                           'shape: N*d = 16777217*2 = 33554434 elements exceeds the limit of 33554432')
        many = torch.full((10 ** 6 + 1,), 0.01)
        self.assertMessage(lambda: self.rec(betas=many, alpha_bar=torch.full((10 ** 6 + 1,), 0.5)),
                           'betas: T = 1000001 steps exceeds the limit of 1000000')
        # every beyond T keeps what every = T keeps (t = T-1 and 0), and is written as T, an exact JSON number
        self.assertEqual(self.rec(every=2 ** 60).payload()['every'], 4)


@unittest.skipIf(torch is None, TORCH_MISSING)
class SaveTest(unittest.TestCase):
    """save() and save_inputs() replace nothing the user made, and write whole or not at all."""

    def setUp(self):
        inp = seed_inputs()
        self.rec = ddpm_lab.Recorder(inp['w_model'], inp['shape'], inp['betas'], inp['alpha_bar'], inp['seed'])
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name, text=None):
        path = os.path.join(self.dir, name)
        if text is not None:
            with open(path, 'w') as f:
                f.write(text)
        return path

    def read(self, path):
        with open(path) as f:
            return f.read()

    def assertMessage(self, make, message):
        with self.assertRaises(ValueError) as caught:
            make()
        self.assertEqual(str(caught.exception), message)

    def test_a_file_the_helper_did_not_write_is_kept_unless_overwrite(self):
        notebook = self.path('my.ipynb', '{"cells": []}')
        hand = self.path('INPUT.json', '{"w_model": [[1]], "note": "mine"}')
        self.assertMessage(lambda: self.rec.save(notebook),
                           'path: %s exists and is not a DDPM Lab recording file; give another name, or '
                           'overwrite=True to replace it' % notebook)
        self.assertMessage(lambda: self.rec.save(hand),
                           'path: %s exists and is not a DDPM Lab recording file; give another name, or '
                           'overwrite=True to replace it' % hand)
        self.assertMessage(lambda: self.rec.save_inputs(notebook),
                           'path: %s exists and is not a DDPM Lab inputs file; give another name, or '
                           'overwrite=True to replace it' % notebook)
        self.assertEqual(self.read(notebook), '{"cells": []}')
        self.assertEqual(self.read(hand), '{"w_model": [[1]], "note": "mine"}')
        self.rec.save(notebook, overwrite=True)
        self.assertEqual(json.loads(self.read(notebook))['schema'], 'ddpm-lab.recording/1')
        self.assertEqual(sorted(os.listdir(self.dir)), ['INPUT.json', 'my.ipynb'])

    def test_a_hand_written_inputs_file_is_kept_one_save_inputs_wrote_is_replaced(self):
        with open(SEED_INPUTS) as f:
            hand = f.read()  # the seed example, laid out by hand: the user's
        path = self.path('INPUT.json', hand)
        self.assertMessage(lambda: self.rec.save_inputs(path),
                           'path: %s exists and is not a DDPM Lab inputs file; give another name, or overwrite=True '
                           'to replace it' % path)
        self.assertEqual(self.read(path), hand)
        self.rec.save_inputs(path, overwrite=True)
        self.rec.save_inputs(path)  # now it is one save_inputs() wrote
        self.assertEqual(json.loads(self.read(path)), self.rec.inputs_json())

    def test_a_bytes_path_a_dangling_link_and_the_umask(self):
        run = self.path('run.json')
        self.rec.save(os.fsencode(run))
        self.assertEqual(json.loads(self.read(run))['schema'], 'ddpm-lab.recording/1')
        link = self.path('link.json')
        os.symlink(self.path('made-by-the-link.json'), link)
        self.rec.save(link)  # the link's target is created; the link stays a link
        self.assertTrue(os.path.islink(link))
        self.assertEqual(json.loads(self.read(self.path('made-by-the-link.json')))['schema'], 'ddpm-lab.recording/1')
        umask = os.umask(0o022)
        try:
            self.rec.save(self.path('new.json'))
            self.assertEqual(os.stat(self.path('new.json')).st_mode & 0o777, 0o644)
            self.assertEqual(os.umask(0o022), 0o022, 'the process umask is left alone')
        finally:
            os.umask(umask)

    def test_its_own_files_are_replaced_when_a_cell_runs_again(self):
        run, inputs = self.path('run.json'), self.path('inputs.json')
        for _ in range(2):
            self.rec.save(run)
            self.rec.save_inputs(inputs)
        self.assertEqual(json.loads(self.read(run)), self.rec.payload())
        self.assertEqual(json.loads(self.read(inputs)), self.rec.inputs_json())
        # each is the other's kind of file only with overwrite=True
        self.assertRaises(ValueError, lambda: self.rec.save(inputs))
        self.assertRaises(ValueError, lambda: self.rec.save_inputs(run))

    def test_a_write_that_fails_leaves_the_old_file_and_nothing_beside_it(self):
        run = self.path('run.json')
        self.rec.save(run)
        before = self.read(run)
        replace = os.replace

        def failing(src, dst):
            raise OSError(28, 'No space left on device')

        os.replace = failing
        try:
            self.assertMessage(lambda: self.rec.save(run), 'path: cannot write %s (No space left on device)' % run)
        finally:
            os.replace = replace
        self.assertEqual(self.read(run), before)
        self.assertEqual(os.listdir(self.dir), ['run.json'])

    def test_places_that_cannot_be_written_are_named(self):
        missing = os.path.join(self.dir, 'nodir', 'run.json')
        self.assertMessage(lambda: self.rec.save(missing),
                           'path: the folder %s does not exist' % os.path.join(self.dir, 'nodir'))
        self.assertMessage(lambda: self.rec.save(self.dir), 'path: %s is a folder; give a file name' % self.dir)
        self.assertMessage(lambda: self.rec.save(''), 'path: expected a file name, got an empty one')

    def test_a_link_is_written_through_and_the_mode_kept(self):
        run = self.path('run.json')
        self.rec.save(run)
        os.chmod(run, 0o640)
        os.symlink(run, self.path('link.json'))
        self.rec.save(self.path('link.json'))
        self.assertTrue(os.path.islink(self.path('link.json')))
        self.assertEqual(os.stat(run).st_mode & 0o777, 0o640)


@unittest.skipIf(torch is None, TORCH_MISSING)
class InputsJsonTest(unittest.TestCase):
    def test_numbers_read_back_as_the_recorded_values(self):
        inp = seed_inputs()
        rec = ddpm_lab.Recorder(inp['w_model'], inp['shape'], inp['betas'], inp['alpha_bar'], inp['seed'])
        j = rec.inputs_json()
        self.assertEqual(sorted(j), ['alpha_bar', 'betas', 'seed', 'shape', 'w_model'])
        self.assertEqual((j['shape'], j['seed']), ([4, 2], 42))
        for key in ('w_model', 'betas', 'alpha_bar'):
            # the Python floats, read as float32 (what DDPM Lab and torch.tensor do), give the recorded bits
            self.assertEqual(bits(torch.tensor(j[key], dtype=torch.float32)), bits(torch.tensor(inp[key])), key)
            self.assertEqual(json.loads(json.dumps(j[key])), j[key], key)

    def test_float64_values_stay_exact_and_big_seeds_are_strings(self):
        betas = torch.tensor([0.1, 1 / 3], dtype=torch.float64)
        rec = ddpm_lab.Recorder(torch.zeros(3, 2), [1, 2], betas, [0.9, 0.6], 2 ** 53 + 1)
        j = rec.inputs_json()
        self.assertEqual(j['betas'], [0.1, 1 / 3])
        self.assertEqual(j['seed'], '9007199254740993')
        # 2^53 and beyond in magnitude: a string, as DDPM Lab refuses such a JSON number (src/core/sampler/inputs.ts)
        for seed, written in ((2 ** 53 - 1, 2 ** 53 - 1), (-(2 ** 53 - 1), -(2 ** 53 - 1)),
                              (2 ** 53, '9007199254740992'), (-2 ** 53, '-9007199254740992')):
            rec = ddpm_lab.Recorder(torch.zeros(3, 2), [1, 2], betas, [0.9, 0.6], seed)
            self.assertEqual(rec.inputs_json()['seed'], written, seed)

    def test_negative_zero_is_kept(self):
        w = torch.tensor([[0.5, 0.25], [-0.0, -0.0], [1.0, 2.0]])
        j = ddpm_lab.Recorder(w, [1, 2], [0.1], [0.9], 0).inputs_json()
        self.assertEqual(j['w_model'][1], [-0.0, -0.0])
        self.assertEqual(math.copysign(1, j['w_model'][1][1]), -1.0)

    def test_save_inputs(self):
        inp = seed_inputs()
        rec = ddpm_lab.Recorder(inp['w_model'], inp['shape'], inp['betas'], inp['alpha_bar'], inp['seed'])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'INPUT.json')
            rec.save_inputs(path)
            with open(path) as f:
                self.assertEqual(json.load(f), rec.inputs_json())


@unittest.skipIf(torch is None, TORCH_MISSING)
class DisplayTest(unittest.TestCase):
    def test_mimebundle_and_text(self):
        rec, _ = record_seed_loop()
        bundle = rec._repr_mimebundle_()
        self.assertEqual(sorted(bundle), sorted([MIME, 'text/plain']))
        self.assertEqual(bundle[MIME], rec.payload())
        text = bundle['text/plain']
        self.assertEqual(text, repr(rec))
        self.assertTrue(text.startswith('DDPM Lab recording of 4 steps (every step; N = 4, d = 2, seed 42, x_T recorded)'), text)
        self.assertIn('DDPM Lab VS Code extension renders it next to the exact reference', text)
        self.assertIn('save it with rec.save("run.json") and check it with DDPM Lab\'s command-line tool: '
                      '`node dist/cli.js compare run.json`', text)
        self.assertNotIn('\n', text)

    def test_include_and_exclude(self):
        rec, _ = record_seed_loop()
        self.assertEqual(list(rec._repr_mimebundle_(include=['text/plain'])), ['text/plain'])
        self.assertEqual(list(rec._repr_mimebundle_(exclude=['text/plain'])), [MIME])
        self.assertEqual(rec._repr_mimebundle_(include=[MIME], exclude=[MIME]), {})


@unittest.skipIf(torch is None, TORCH_MISSING)
@unittest.skipIf(IPYTHON_MISSING is not None, IPYTHON_MISSING)
class IPythonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        os.environ['IPYTHONDIR'] = cls._tmp.name  # no profile or history in the user's home
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config
        config = Config()
        config.HistoryManager.enabled = False
        cls.shell = InteractiveShell.instance(config=config)

    @classmethod
    def tearDownClass(cls):
        from IPython.core.interactiveshell import InteractiveShell
        InteractiveShell.clear_instance()
        cls._tmp.cleanup()

    def test_display_formatter_uses_the_mimebundle(self):
        rec, _ = record_seed_loop()
        data, _metadata = self.shell.display_formatter.format(rec)
        self.assertEqual(data[MIME], rec.payload())
        self.assertEqual(data['text/plain'], repr(rec))

    def test_display_and_a_cell_ending_in_rec(self):
        from IPython.display import display
        from IPython.utils.capture import capture_output
        rec, _ = record_seed_loop(every=2)
        with capture_output() as captured:
            display(rec)
        self.assertEqual(len(captured.outputs), 1)
        self.assertEqual(captured.outputs[0].data[MIME], rec.payload())
        # the user's cell: the loop, then `rec` as its last line; the displayhook formats the value
        self.shell.user_ns.update({'ddpm_lab': ddpm_lab, 'torch': torch, 'inputs': seed_inputs()})
        cell = '\n'.join([
            'i = inputs',
            'rec = ddpm_lab.Recorder(i["w_model"], i["shape"], i["betas"], i["alpha_bar"], i["seed"])',
            'x = torch.zeros(4, 2)',
            'for t in range(3, -1, -1):',
            '    x = x + t',
            '    rec.step(t, x)',
            'rec',
        ])
        formatted = []
        hook = self.shell.displayhook
        hook.write_format_data = lambda data, md=None: formatted.append(data)  # instead of printing it
        hook.write_output_prompt = lambda: None
        try:
            result = self.shell.run_cell(cell)
        finally:
            del hook.write_format_data, hook.write_output_prompt  # the class's methods again
        self.assertTrue(result.success, result.error_in_exec)
        self.assertEqual(len(formatted), 1)
        self.assertEqual([s['t'] for s in formatted[0][MIME]['steps']], [3, 2, 1, 0])
        self.assertTrue(formatted[0]['text/plain'].startswith('DDPM Lab recording of 4 steps'))


@unittest.skipIf(torch is None, TORCH_MISSING)
class PlainScriptTest(unittest.TestCase):
    def test_a_plain_python_script_saves_the_recording(self):
        script = '\n'.join([
            'import json, sys',
            'sys.path[:0] = [%r, %r]' % (HERE, REFERENCE_DIR),
            'import torch, ddpm_lab, reference',
            'i = json.load(open(%r))' % SEED_INPUTS,
            'w, b, a = torch.tensor(i["w_model"]), torch.tensor(i["betas"]), torch.tensor(i["alpha_bar"])',
            'rec = ddpm_lab.Recorder(w, i["shape"], b, a, i["seed"])',
            'reference.sample(w, i["shape"], b, a, i["seed"], lambda t, x, eps, mean, z, x_prev: rec.step(t, x_prev))',
            'rec.save(sys.argv[1])',
            'rec.save_inputs(sys.argv[2])',
            'print(rec)',
            'print("IPython imported:", "IPython" in sys.modules)',
        ])
        with tempfile.TemporaryDirectory() as tmp:
            run_json, inputs_json = os.path.join(tmp, 'run.json'), os.path.join(tmp, 'INPUT.json')
            out = subprocess.run([sys.executable, '-c', script, run_json, inputs_json], capture_output=True, text=True,
                                 cwd=tmp, timeout=300)
            self.assertEqual(out.returncode, 0, out.stderr)
            lines = out.stdout.splitlines()
            self.assertTrue(lines[0].startswith('DDPM Lab recording of 4 steps'), out.stdout)
            self.assertEqual(lines[1], 'IPython imported: False')
            with open(run_json) as f:
                saved = json.load(f)
            with open(inputs_json) as f:
                saved_inputs = json.load(f)
        rec, _ = record_seed_loop()
        expected = rec.payload()
        del expected['init']  # the script did not record x_T
        del saved['init']
        self.assertEqual(saved, expected)
        self.assertEqual(saved_inputs, rec.inputs_json())


class SourceTest(unittest.TestCase):
    def test_the_helper_is_python_3_8_syntax(self):
        with open(HELPER, encoding='utf-8') as f:
            source = f.read()
        ast.parse(source, HELPER, feature_version=(3, 8))
        self.assertIn('rec = ddpm_lab.Recorder(w_model, shape, betas, alpha_bar, seed)', source)


if __name__ == '__main__':
    unittest.main()
