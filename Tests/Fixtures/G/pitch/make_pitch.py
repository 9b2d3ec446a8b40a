"""Writes pitch_shift.expected.json: the oracle for mrsh's pitch shift in random_permute.

  python3 make_pitch.py /path/to/MiniReturnn    (run here; needs numpy, scipy, librosa 0.11, soxr, soundfile)

Three parts, all computed by the libraries the original uses (never by mrsh):
* resample: soxr.resample(x, in_rate, out_rate, "HQ") of short stored inputs (what librosa's
  res_type="soxr_hq" calls), float64 in and out.
* pitch_shift: librosa.effects.pitch_shift(y, sr=16000, n_steps) of the G WAV signals, with n_steps
  drawn as the original draws them (RandomState(seed).uniform(-1, 1)) plus two wider steps; the
  waveform (strided) and the original's log-mel 80 features of the shifted waveform.
* random_permute: the original ExtractAudioFeatures(features="log_mel_filterbank",
  num_feature_filters=80, random_permute=True, random_state=RandomState(seed)) for seeds whose
  draws select the pitch shift; every uniform draw is logged as [low, high, value].
Only feature_extraction.py of the original is loaded (it imports torch otherwise), with a minimal
stand-in for CollectionReadCheckCovered.
"""
import importlib.util, io, json, sys, types
import numpy, librosa, soxr, soundfile, scipy

class ReadCheck:
    def __init__(self, d, truth_value=None):
        self.d, self.truth_value = d, bool(d) if truth_value is None else truth_value
    @classmethod
    def from_bool_or_dict(cls, v):
        return cls({}, True) if isinstance(v, bool) else cls(v)
    def get(self, k, default=None):
        return self.d.get(k, default)
    def assert_all_read(self):
        pass

basic = types.ModuleType("returnn.util.basic")
basic.CollectionReadCheckCovered = ReadCheck
for name in ["returnn", "returnn.util"]:
    sys.modules[name] = types.ModuleType(name)
sys.modules["returnn.util.basic"] = basic
spec = importlib.util.spec_from_file_location("fe", sys.argv[1] + "/returnn/datasets/util/feature_extraction.py")
fe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fe)

F32 = lambda x: float(numpy.float32(x))

def feature_summary(v, all_values=False):
    """The G_features `result` layout (all values when asked for)."""
    v = numpy.asarray(v)
    flat64 = v.astype(numpy.float64)
    r = {"shape": list(v.shape), "dtype": str(v.dtype), "sum": float(flat64.sum()),
         "sum_abs": float(numpy.abs(flat64).sum()), "sum_sq": float((flat64 ** 2).sum()),
         "min": F32(v.min()), "max": F32(v.max())}
    if all_values:
        r["values"] = [[F32(x) for x in row] for row in v]
    else:
        mid = v.shape[0] // 2
        r.update({"first_frame": [F32(x) for x in v[0]], "mid_frame_index": mid, "mid_frame": [F32(x) for x in v[mid]],
                  "last_frame": [F32(x) for x in v[-1]], "frame_sums": [float(s) for s in flat64.sum(axis=1)],
                  "dim_sums": [float(s) for s in flat64.sum(axis=0)]})
    return r

def waveform_summary(y, stride):
    return {"num_samples": len(y), "sum": float(y.sum()), "sum_sq": float((y ** 2).sum()),
            "max_abs": float(numpy.abs(y).max()), "stride": stride, "strided_values": [float(x) for x in y[::stride]]}

def read_wav(name):
    y, sr = soundfile.read("../audio/%s.wav" % name)
    return y / numpy.abs(y).max(), sr  # peak normalised, as the original does before random_permute

resample = []
rng = numpy.random.RandomState(7)
t = numpy.arange(400)
inputs = {"noise": rng.uniform(-1, 1, 400),
          "tones": 0.6 * numpy.sin(0.05 * t) + 0.3 * numpy.sin(2.9 * t + 0.4) + 0.1 * numpy.sin(3.1 * t)}
for name, in_rate, out_rate in [("noise", 16000 / 2 ** (-0.7 / 12), 16000), ("noise", 16000 / 2 ** (0.55 / 12), 16000),
                                ("tones", 16000 / 2 ** (-1 / 12), 16000), ("tones", 16000 / 2 ** (1 / 12), 16000),
                                ("noise", 22050, 16000), ("tones", 8000, 22050), ("noise", 16000 / 2 ** (6.5 / 12), 16000),
                                # simple ratios (libsoxr's single-stage path), incl. n_steps = -12 and 12
                                ("tones", 8000, 16000), ("noise", 12000, 16000), ("noise", 48000, 16000),
                                ("tones", 32000, 16000)]:
    x = inputs[name]
    y = soxr.resample(x, in_rate, out_rate, "HQ")
    resample.append({"input": name, "in_rate": in_rate, "out_rate": out_rate, "output": [float(v) for v in y]})

pitch = []
cases = [("tones_a", 0), ("chirp_a", 1), ("gated_noise_a", 2), ("voiced_a", 3), ("tones_a", 4), ("chirp_a", 5)]
for name, seed in cases:
    n_steps = numpy.random.RandomState(seed).uniform(-1.0, 1.0)
    pitch.append((name, "RandomState(%d).uniform(-1, 1)" % seed, n_steps))
pitch += [("voiced_a", "wide", 4.0), ("gated_noise_a", "wide", -3.3)]
pitch_entries = []
for name, how, n_steps in pitch:
    y, sr = read_wav(name)
    shifted = librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps)
    feats = fe._get_audio_log_mel_filterbank(shifted, sr, window_len=0.025, step_len=0.010, num_feature_filters=80)
    pitch_entries.append({"file": "audio/%s.wav" % name, "n_steps": float(n_steps), "n_steps_from": how,
                          "waveform": waveform_summary(shifted, 37), "log_mel_80": feature_summary(feats, all_values=name == "tones_a")})

class LoggedRandomState(numpy.random.RandomState):
    def __init__(self, seed):
        super().__init__(seed)
        self.draws = []
    def uniform(self, low=0.0, high=1.0, size=None):
        v = super().uniform(low, high, size)
        self.draws.append([float(low), float(high), float(v)])
        return v

def pitch_drawn(seed):
    """Replays the original's draw order with the defaults (all switches 0.2)."""
    d = numpy.random.RandomState(seed).uniform(size=8)
    i = 2 + (d[1] < 0.2)              # scale, zoom switch (+ factor)
    i += 1 + (d[i] < 0.2)             # stretch switch (+ rate)
    return d[i] < 0.2                 # pitch switch

pitch_seeds = [s for s in range(300) if pitch_drawn(s)]
permute = []
for k, name in enumerate(["tones_a", "chirp_a", "gated_noise_a", "voiced_a"]):
    raw = open("../audio/%s.wav" % name, "rb").read()
    for seed in pitch_seeds[3 * k:3 * k + 3]:
        rs = LoggedRandomState(seed)
        ex = fe.ExtractAudioFeatures(features="log_mel_filterbank", num_feature_filters=80, random_permute=True, random_state=rs)
        v = ex.get_audio_features_from_raw_bytes(io.BytesIO(raw))
        permute.append({"id": "log_mel_filterbank.80_random_permute_true_rs%d" % seed, "file": "audio/%s.wav" % name,
                        "options": {"features": "log_mel_filterbank", "num_feature_filters": 80, "random_permute": True,
                                    "random_state": "numpy.random.RandomState(%d)" % seed},
                        "feature_dimension": ex.get_feature_dimension(), "random_state_uniform_draws": rs.draws,
                        "result": feature_summary(v)})

json.dump({"generator": {"librosa": librosa.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__,
                         "soxr": soxr.__version__, "soundfile": soundfile.__version__},
           "inputs": {k: [float(x) for x in v] for k, v in inputs.items()},
           "resample": resample, "pitch_shift": pitch_entries, "random_permute": permute},
          open("pitch_shift.expected.json", "w"))
print(len(resample), "resample,", len(pitch_entries), "pitch_shift,", len(permute), "random_permute entries")
