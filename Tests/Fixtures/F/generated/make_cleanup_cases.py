"""Generates cleanup_old_models and get_epoch_model cases with the ORIGINAL MiniReturnn code as oracle.

Run from a MiniReturnn checkout (h5py may be a stub module, it is not used):
    PYTHONPATH=<MiniReturnn>:<dir with h5py.py stub> python3 make_cleanup_cases.py
Writes cleanup_cases.json and epoch_model_cases.json next to this script.
"""
import json, os, random, tempfile
from returnn.config import Config
from returnn.engine.base import EngineBase
from returnn.learning_rate_control import LearningRateControl, ConstantLearningRate

HERE = os.path.dirname(os.path.abspath(__file__))


class RecordingEngine(EngineBase):
    FILE_POSTFIX = ".pt"
    deleted = None

    @staticmethod
    def delete_model(filename):
        RecordingEngine.deleted.append(filename)
        return 1


def cleanup_case(rng, index):
    tmp = tempfile.mkdtemp()
    prefix = os.path.join(tmp, "net-model", "model")
    os.makedirs(os.path.dirname(prefix))
    num_epochs = rng.randint(1, 14)
    model_epochs = sorted(e for e in range(1, num_epochs + 1) if rng.random() < 0.75)
    for e in model_epochs:
        open(prefix + ".%03d.pt" % e, "w").write("x")
    keys = rng.sample(["ce", "fer", "dev_loss_ce", "dev_loss_fer", "devother_loss_ce"], rng.randint(1, 4))
    constant_key = rng.random() < 0.3
    epoch_data = {}
    for e in range(1, num_epochs + 1):
        error = {}
        for k in keys:
            if rng.random() < 0.85:
                error[k] = round(rng.choice([rng.uniform(0.5, 3.0), 1.25]), 3)
        if constant_key:
            error["const"] = 0.5
        if not error:
            error[keys[0]] = 1.0
        epoch_data[e] = LearningRateControl.EpochData(0.001, error)
    opts = {}
    if rng.random() < 0.6:
        opts["keep_last_n"] = rng.randint(1, 4)
    if rng.random() < 0.6:
        opts["keep_best_n"] = rng.randint(0, 4)
    if rng.random() < 0.4:
        opts["keep"] = sorted(rng.sample(range(1, 16), rng.randint(1, 3)))
    config = Config()
    config.update({"model": prefix, "num_epochs": num_epochs, "cleanup_old_models": opts or True})
    engine = RecordingEngine(config)
    engine.learning_rate_control = ConstantLearningRate(default_learning_rate=0.001)
    engine.learning_rate_control.epoch_data = epoch_data
    RecordingEngine.deleted = []
    engine.cleanup_old_models()
    removed = sorted(int(f[-3:]) for f in RecordingEngine.deleted)
    return {
        "model_epochs": model_epochs,
        "epoch_data": {str(e): d.error for e, d in epoch_data.items()},
        "options": opts,
        "removed": removed,
    }


def epoch_model_case(rng, index):
    tmp = tempfile.mkdtemp()
    prefix = os.path.join(tmp, "model")
    existing = sorted(rng.sample(range(1, 9), rng.randint(0, 3)))
    for e in existing:
        name = prefix + ".%03d" % e + (".pt" if rng.random() < 0.8 else "")
        open(name, "w").write("x")
    other = os.path.join(tmp, "other.pt")
    open(other, "w").write("x")
    settings = {"model": prefix, "num_epochs": rng.choice([5, 8, 10])}
    if rng.random() < 0.3:
        settings["load_epoch"] = rng.randint(1, 12)
    if rng.random() < 0.3:
        settings["import_model_train_epoch1"] = other
    if rng.random() < 0.3:
        settings["load"] = rng.choice([other, os.path.join(tmp, "other")])
    if rng.random() < 0.3:
        settings["start_epoch"] = rng.choice(["auto", "1", "2", "4"])
    if rng.random() < 0.2:
        settings["task"] = "forward"
    config = Config()
    config.update(settings)
    try:
        epoch, filename = RecordingEngine.get_epoch_model(config)
        result = {"epoch": epoch, "filename": filename and os.path.relpath(filename, tmp),
                  "start_epoch": RecordingEngine.get_train_start_epoch(config) if settings.get("task", "train") == "train" else None}
    except (AssertionError, KeyError):
        result = {"error": True}
    files = sorted(os.listdir(tmp))
    rel = {k: (os.path.relpath(v, tmp) if k in ("model", "load", "import_model_train_epoch1") else v) for k, v in settings.items()}
    return {"files": files, "settings": rel, "result": result}


rng = random.Random(2026)
cleanup = [cleanup_case(rng, i) for i in range(60)]
json.dump(cleanup, open(os.path.join(HERE, "cleanup_cases.json"), "w"), indent=0)
epoch_models = [epoch_model_case(rng, i) for i in range(80)]
json.dump(epoch_models, open(os.path.join(HERE, "epoch_model_cases.json"), "w"), indent=0)
print(len(cleanup), "cleanup cases,", sum(1 for c in cleanup if c["removed"]), "with deletions;",
      len(epoch_models), "epoch-model cases,", sum(1 for c in epoch_models if "error" in c["result"]), "errors")
