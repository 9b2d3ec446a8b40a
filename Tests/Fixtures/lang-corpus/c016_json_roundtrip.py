# json of nested configs, ensure_ascii, indentation, errors.
import json
cfg = {"train": {"class": "HDFDataset", "files": ["a.hdf", "b.hdf"], "partition_epoch": 4},
       "dev": None, "opts": {"seq_ordering": "laplace:.1000", "use_cache": True}, "name": "tür"}
s = json.dumps(cfg, indent=2, sort_keys=True)
print(s)
print(json.loads(s) == cfg, json.dumps("tür"), json.dumps("tür", ensure_ascii=False))
print(json.loads('[1, -2.5e-3, "x\\ty", {"a": []}]'), json.loads(' {"k" : 1 } '))
for bad in ["{", "[1,]", "nul", '{"a" 1}']:
    try:
        json.loads(bad)
    except ValueError:
        print("ValueError for", repr(bad))
print(json.dumps([1.0, 0.5, 1e-7, 12345678.9, True, None]), json.dumps({"a": 1}, indent=0))
