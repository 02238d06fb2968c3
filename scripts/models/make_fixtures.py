"""Regenerates the tiny fixture models and golden outputs used by the @quantum/agents tests.

NOT run in CI: the fixtures are committed. Run it only when a fixture must change, then re-run the tests.

    # once per machine (Debian 12): ~2-3 min, ~1.3 GB
    apt-get update && apt-get install -y python3-xgboost python3-torch python3-onnx python3-sklearn python3-numpy
    # LightGBM is not packaged by Debian; install the wheel next to (not into) the system packages:
    pip install --no-deps --target /opt/lgbm-site lightgbm narwhals
    # from the repo root, with Debian's interpreter (the pyenv `python3` shim cannot see the Debian modules):
    PYTHONPATH=/opt/lgbm-site /usr/bin/python3 scripts/models/make_fixtures.py

Writes to packages/agents/test/fixtures/models/:
    xgb_tiny.json (+.meta.json)       XGBoost 1.7 JSON, multi:softprob, 5 rounds x 3 classes, depth 3
    lgbm_tiny.txt (+.meta.json)       LightGBM text dump, multiclass, 5 rounds x 3 classes, 7 leaves
    nhits_tiny.onnx (+.meta.json)     N-HiTS-like torch model (hidden 16), opset 17, input [N, 120, 10]
    patchtst_tiny.onnx (+.meta.json)  PatchTST-like torch model (d 16, 2 heads, 1 layer), Conv1d patching
    goldens.json                      fixed inputs and expected probabilities (predict_proba, predict, forward)
The tree ONNX files are NOT written here: the tests build them with the TypeScript converters.
Data is synthetic (seeded); the models only have to be real and deterministic, not good.
"""
import json
import os
import sys

import numpy as np
import torch
import xgboost as xgb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qt_models as qm  # noqa: E402

try:
    import lightgbm as lgb
except ImportError:  # pragma: no cover
    sys.exit("lightgbm is not importable: see the header of this script (pip install --target, PYTHONPATH)")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "packages", "agents", "test", "fixtures", "models")
F = len(qm.STANDARD_FEATURES)
SEED = 20251001
TRAINING = {"data": ["synthetic (seeded Gaussian features, linear-rule labels)"], "from": "2025-01-01",
            "to": "2025-01-02", "label": "argmax of a fixed linear rule plus noise (fixture only)"}


def synthetic(rng, n, nan_features):
    """Gaussian features with 3 % NaN in `nan_features` and labels from a fixed linear rule plus noise."""
    x = rng.normal(size=(n, F)).astype(np.float32)
    w = rng.normal(size=(F, 3))
    y = np.argmax(np.nan_to_num(x) @ w + rng.normal(scale=0.5, size=(n, 3)), axis=1)
    for j in nan_features:
        x[rng.random(n) < 0.03, j] = np.nan
    return x, y


def golden_rows(rng):
    """8 fixed rows rounded to 3 decimals (exact in JSON and float32 on both sides), 3 of them with NaN."""
    rows = np.round(rng.normal(size=(8, F)), 3)
    rows[1, 0] = np.nan  # NaN-tracked feature
    rows[3, 2] = np.nan
    rows[5, 7] = np.nan  # LightGBM: a feature that had no NaN in training (missing type None)
    rows[6, 9] = np.nan
    return rows.astype(np.float32)


def make_trees(rng, rows):
    x, y = synthetic(rng, 3000, nan_features=range(5))
    clf = xgb.XGBClassifier(n_estimators=5, max_depth=3, learning_rate=0.3, objective="multi:softprob",
                            tree_method="hist", n_jobs=2, random_state=SEED)
    clf.fit(x, y)
    clf.get_booster().save_model(os.path.join(OUT, "xgb_tiny.json"))
    booster = lgb.train({"objective": "multiclass", "num_class": 3, "num_leaves": 7, "learning_rate": 0.3,
                         "min_data_in_leaf": 20, "verbose": -1, "seed": SEED, "num_threads": 2},
                        lgb.Dataset(x, y), num_boost_round=5)
    booster.save_model(os.path.join(OUT, "lgbm_tiny.txt"))
    reloaded = lgb.Booster(model_file=os.path.join(OUT, "lgbm_tiny.txt"))  # goldens from the dump itself
    for name, family in (("xgb_tiny", "xgboost"), ("lgbm_tiny", "lightgbm")):
        qm.write_meta(os.path.join(OUT, f"{name}.meta.json"), name=name, family=family, version="fixture-1",
                      window=1, mean=[0.0] * F, std=[1.0] * F, training=TRAINING, label_output=True)
    return {"xgb": clf.predict_proba(rows).tolist(), "lgbm": reloaded.predict(rows.astype(np.float64)).tolist()}


def make_sequences(windows):
    torch.manual_seed(SEED)
    out = {}
    for name, family, net in (("nhits_tiny", "nhits", qm.NHitsClassifier()),
                              ("patchtst_tiny", "patchtst", qm.PatchTSTClassifier())):
        net.eval()
        qm.export_onnx(net, os.path.join(OUT, f"{name}.onnx"))
        out[family] = net(torch.from_numpy(windows)).detach().double().tolist()  # grad mode: no fused path
        qm.write_meta(os.path.join(OUT, f"{name}.meta.json"), name=name, family=family, version="fixture-1",
                      window=qm.WINDOW, mean=[0.0] * F, std=[1.0] * F, training=TRAINING)
    return out


def to_json_list(a):
    return [None if np.isnan(v) else float(v) for v in a.reshape(-1).astype(np.float64)]


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    rows = golden_rows(rng)
    windows = np.round(rng.normal(size=(3, qm.WINDOW, F)), 3).astype(np.float32)
    trees = make_trees(rng, rows)
    seqs = make_sequences(windows)
    goldens = {
        "note": "Generated by scripts/models/make_fixtures.py. Inputs are float32 (null = NaN), row-major.",
        "features": qm.STANDARD_FEATURES,
        "classes": qm.CLASSES,
        "tabular": {"shape": list(rows.shape), "input": to_json_list(rows), **trees},
        "sequence": {"shape": list(windows.shape), "input": to_json_list(windows), **seqs},
    }
    with open(os.path.join(OUT, "goldens.json"), "w") as fh:
        json.dump(goldens, fh)
        fh.write("\n")
    total = sum(qm.file_kb(os.path.join(OUT, f)) for f in os.listdir(OUT))
    for f in sorted(os.listdir(OUT)):
        print(f"{f:28s} {qm.file_kb(os.path.join(OUT, f)):8.1f} KB")
    print(f"total {total:.1f} KB")


if __name__ == "__main__":
    main()
