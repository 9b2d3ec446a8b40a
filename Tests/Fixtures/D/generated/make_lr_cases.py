"""Generates extra learning-rate control cases with the ORIGINAL MiniReturnn code as the oracle.

Run from a MiniReturnn checkout (h5py may be a stub module, it is not used):
    PYTHONPATH=<MiniReturnn>:<dir with h5py.py stub> python3 make_lr_cases.py
Writes <case>.expected.json + <case>.learning_rates next to this script, in fixture D's layout
(plus "initial_file_text": a learning_rates file present before the controller starts).
"""
import json, os, random, math
from returnn.config import Config
from returnn.learning_rate_control import load_learning_rate_control_from_config

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = {
    "rel_div_by_old_relative_lr_growth": dict(
        config={"learning_rate_control": "newbob_rel", "learning_rate": 0.02, "newbob_relative_error_div_by_old": True,
                "learning_rate_control_relative_error_relative_lr": True, "newbob_learning_rate_growth": 1.25,
                "newbob_relative_error_threshold": -0.02, "min_learning_rate": 0.004, "newbob_learning_rate_decay": 0.6},
        epochs=14, seed=1, dev=["dev"]),
    "abs_min_epochs_per_new_lr": dict(
        config={"learning_rate_control": "newbob_abs", "learning_rate": 0.5, "learning_rate_control_min_num_epochs_per_new_lr": 3,
                "newbob_error_threshold": -0.02, "learning_rate_decay": 0.3, "learning_rate_growth": 1.5},
        epochs=15, seed=2, dev=["dev"]),
    "multi_epoch_long_window_grow": dict(
        config={"learning_rate_control": "newbob_multi_epoch", "learning_rate": 0.001, "newbob_multi_num_epochs": 11,
                "newbob_multi_update_interval": 1, "newbob_relative_error_threshold": -0.002,
                "newbob_relative_error_grow_threshold": -0.03, "newbob_learning_rate_growth": 1.1,
                "newbob_learning_rate_decay": 0.9},
        epochs=30, seed=3, dev=["dev", "devother"]),
    "multi_epoch_interval_3": dict(
        config={"learning_rate_control": "newbob_multi_epoch", "learning_rate": 1.0, "newbob_multi_num_epochs": 3,
                "newbob_multi_update_interval": 3, "min_learning_rate": 0.1},
        epochs=16, seed=4, dev=["dev"]),
    "constant_dict_and_error_measure": dict(
        config={"learning_rate_control": "constant", "learning_rate": 3e-05, "learning_rates": {1: 1e-05, 3: 2e-05, 4: 0.0},
                "learning_rate_control_error_measure": "dev_loss_fer"},
        epochs=6, seed=5, dev=["dev"]),
    "newbob_measure_list_odd_values": dict(
        config={"learning_rate_control": "newbob", "learning_rate": 123456.789,
                "learning_rate_control_error_measure": ["missing", "devother_loss_ce"]},
        epochs=8, seed=6, dev=["dev", "devother"], odd=True),
    "train_only_no_dev": dict(
        config={"learning_rate_control": "newbob_rel", "learning_rate": 0.1, "newbob_learning_rate_decay": 0.5},
        epochs=7, seed=7, dev=[]),
    "resume_file_wins_over_list": dict(
        config={"learning_rate_control": "newbob_multi_epoch", "learning_rate": 0.01, "learning_rates": [0.001, 0.002, 0.003, 0.004],
                "newbob_multi_num_epochs": 2, "newbob_multi_update_interval": 1},
        epochs=9, seed=8, dev=["dev"], initial={1: (0.005, {"ce": 2.0, "dev_loss_ce": 1.9}), 2: (None, {"ce": 1.5, "dev_loss_ce": 1.7}),
                                                 3: (0.0, {})}),
}


def scores(rng, epoch, prefix, odd):
    base = 3.0 * math.exp(-0.15 * epoch) + rng.uniform(-0.2, 0.2)
    out = {prefix + "ce": round(base, 6), prefix + "fer": round(base / 10 + rng.uniform(0, 0.01), 6)}
    if odd:
        out[prefix + "it's_\"q\""] = rng.choice([1e-05, 1.5e16, 0.1 + 0.2, 1e22, 123456789.0, 2.5e-07])
        out[prefix + "x"] = float(rng.randint(0, 3))
    return out


def run(name, spec):
    lr_file = os.path.join(HERE, name + ".learning_rates")
    if os.path.exists(lr_file):
        os.remove(lr_file)
    initial_text = None
    if "initial" in spec:
        from returnn.learning_rate_control import LearningRateControl
        data = {e: LearningRateControl.EpochData(lr, err) for e, (lr, err) in spec["initial"].items()}
        from returnn.util.basic import better_repr
        initial_text = better_repr(data) + "\n"
        open(lr_file, "w").write(initial_text)
    config = Config()
    config.update(dict(spec["config"], learning_rate_file=lr_file))
    control = load_learning_rate_control_from_config(config)
    rng = random.Random(spec["seed"])
    epochs, first_text = [], None
    start = 3 if "initial" in spec else 1
    for epoch in range(start, start + spec["epochs"]):
        lr = control.get_learning_rate_for_epoch(epoch)
        train = scores(rng, epoch, "", spec.get("odd", False))
        control.set_epoch_error(epoch, dict(train))
        control.save()
        dev = {}
        for d in spec["dev"]:
            s = scores(rng, epoch, d + "_loss_", spec.get("odd", False))
            control.set_epoch_error(epoch, dict(s))
            control.save()
            dev.update(s)
        if first_text is None:
            first_text = open(lr_file).read()
        epochs.append({"epoch": epoch, "learning_rate": lr, "train_errors": train, "dev_errors": dev,
                       "error_key_used": control.get_error_key(epoch)})
    next_epoch = start + spec["epochs"]
    next_lr = control.get_learning_rate_for_epoch(next_epoch)
    fresh = load_learning_rate_control_from_config(config)
    assert fresh.get_learning_rate_for_epoch(next_epoch) == next_lr
    text = open(lr_file).read()
    expected = {
        "generator": "make_lr_cases.py (original MiniReturnn learning_rate_control as oracle)",
        "config": {k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()}) for k, v in spec["config"].items()},
        "config_dict_int_keys": [k for k, v in spec["config"].items() if isinstance(v, dict)],
        "initial_file_text": initial_text, "file": name + ".learning_rates", "epochs": epochs,
        "learning_rates": [e["learning_rate"] for e in epochs], "next_epoch": next_epoch,
        "next_epoch_learning_rate": next_lr, "file_text": text, "file_text_after_epoch_1": first_text,
    }
    json.dump(expected, open(os.path.join(HERE, name + ".expected.json"), "w"), indent=1)


for name, spec in CASES.items():
    run(name, spec)
print("wrote", len(CASES), "cases")
