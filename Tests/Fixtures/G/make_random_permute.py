"""Writes, in the G_features layout, the original ExtractAudioFeatures with random_permute:
G_features.time_stretch.expected.json (librosa's time_stretch drawn; the pitch shift never) and
G_features.zoom.expected.json (scipy.ndimage.zoom with wide factors, incl. a case whose last
coordinate rounds past the end). Oracle run, not part of the tests:

    python3 make_random_permute.py /path/to/MiniReturnn   (needs numpy, scipy, librosa 0.11, soundfile)

The original package imports torch; only feature_extraction.py is loaded, with a minimal stand-in
for CollectionReadCheckCovered (get / truth_value / assert_all_read).
"""
import importlib.util, io, json, sys, types
import numpy, librosa

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

def summary(v):
    v = numpy.asarray(v)
    flat = v.reshape(v.shape[0], -1)
    return {"shape": list(v.shape), "dtype": str(v.dtype), "sum": float(flat.astype(numpy.float64).sum()),
            "values": [[float(x) for x in row] for row in flat]}

entries = []
for signal in ["tones_a", "voiced_a"]:
    raw = open("audio/%s.wav" % signal, "rb").read()
    for seed in range(40):
        opts = {"rnd_zoom_switch": 0.0, "rnd_stretch_switch": 0.5, "rnd_pitch_switch": 0.0}
        rs = numpy.random.RandomState(seed)
        draws = numpy.random.RandomState(seed).uniform(size=4)
        if draws[2] >= 0.5:  # stretch switch draw (after scale and zoom switch)
            continue
        ex = fe.ExtractAudioFeatures(features="db_mel_filterbank", num_feature_filters=16, random_permute=opts, random_state=rs)
        v = ex.get_audio_features_from_raw_bytes(io.BytesIO(raw))
        entries.append({"id": "db_mel_filterbank.16_random_permute_stretch_rs%d" % seed, "file": "audio/%s.wav" % signal,
                        "options": {"features": "db_mel_filterbank", "num_feature_filters": 16, "random_permute": opts,
                                    "random_state": "numpy.random.RandomState(%d)" % seed},
                        "feature_dimension": ex.get_feature_dimension(), "result": summary(v)})
        if len(entries) % 3 == 0:
            break
json.dump({"generator": {"librosa": librosa.__version__, "numpy": numpy.__version__},
           "description": "original ExtractAudioFeatures, random_permute with librosa.effects.time_stretch drawn",
           "signal": "time_stretch", "wav": entries, "ogg": []},
          open("G_features.time_stretch.expected.json", "w"))
print(len(entries), "entries")

entries = []
for signal in ["tones_a", "chirp_a", "gated_noise_a", "voiced_a"]:
    raw = open("audio/%s.wav" % signal, "rb").read()
    for seed in [3, 5]:
        opts = {"rnd_zoom_switch": 1.0, "rnd_stretch_switch": 0.3, "rnd_pitch_switch": 0.0,
                "rnd_zoom_lower": 0.7, "rnd_zoom_upper": 1.3}
        ex = fe.ExtractAudioFeatures(features="log_mel_filterbank", num_feature_filters=20, random_permute=opts,
                                     random_state=numpy.random.RandomState(seed))
        v = ex.get_audio_features_from_raw_bytes(io.BytesIO(raw))
        entries.append({"id": "log_mel_filterbank.20_random_permute_zoom_rs%d" % seed, "file": "audio/%s.wav" % signal,
                        "options": {"features": "log_mel_filterbank", "num_feature_filters": 20, "random_permute": opts,
                                    "random_state": "numpy.random.RandomState(%d)" % seed},
                        "feature_dimension": ex.get_feature_dimension(), "result": summary(v)})
json.dump({"generator": {"librosa": librosa.__version__, "numpy": numpy.__version__},
           "description": "original ExtractAudioFeatures, random_permute with scipy.ndimage.zoom (and sometimes time_stretch)",
           "signal": "zoom", "wav": entries, "ogg": []},
          open("G_features.zoom.expected.json", "w"))
print(len(entries), "zoom entries")
