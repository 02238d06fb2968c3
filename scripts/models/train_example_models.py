"""Trains the four bundled example models (examples/ensemble/models/) on BTC/ETH/BNB 1h candles.

Not run in CI (the models are committed). Regenerate with (from the repo root; see README.md here):

    node --conditions=@quantum/source --import tsx scripts/models/export-features.ts --out /tmp/qt-features
    PYTHONPATH=/opt/lgbm-site /usr/bin/python3 scripts/models/train_example_models.py --features /tmp/qt-features

Data: the features and labels come from export-features.ts (the SDK's own TS feature code). Training slice:
bars up to 2025-06-30 whose 4-bar label horizon also ends before 2025-07-01; validation slice:
2025-07-01 .. 2025-09-30 (labels never look past 2025-09-30). Nothing later is read.
Label: forward 4-bar return r; BUY r > +0.6 %, SELL r < -0.6 %, else HOLD (class index 0 SELL, 1 HOLD, 2 BUY).
All four models are trained with balanced class weights (HOLD is ~55 % of bars) and see the inputs
normalised with the training slice's mean/std (stored in each .meta.json).
The tree models are saved by Python (XGBoost JSON, LightGBM text) and converted by the TS converters.
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import xgboost as xgb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qt_models as qm  # noqa: E402

import lightgbm as lgb  # noqa: E402  (PYTHONPATH=/opt/lgbm-site, see README.md)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "examples", "ensemble", "models")
SYMBOLS = ["BTCUSDT", "ETHUSDT", "BNBUSDT"]
VERSION = "v20251001-1"
SEED = 20251001
HOUR = 3_600_000
TRAIN_END = int(dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc).timestamp() * 1000)
VAL_END = int(dt.datetime(2025, 10, 1, tzinfo=dt.timezone.utc).timestamp() * 1000)
HORIZON = 4
LABEL = "forward 4-bar (1h) return r = close[i+4]/close[i]-1: BUY if r > +0.6%, SELL if r < -0.6%, else HOLD"


def load(features_dir):
    """Per symbol: features [n, F] float32, labels [n] int8, open time [n] float64 (from export-features.ts)."""
    data = {}
    for s in SYMBOLS:
        x = np.load(os.path.join(features_dir, f"{s}.features.npy"))
        y = np.load(os.path.join(features_dir, f"{s}.labels.npy")).astype(np.int64)
        t = np.load(os.path.join(features_dir, f"{s}.time.npy"))
        assert x.shape[1] == len(qm.STANDARD_FEATURES) and t.max() < VAL_END
        data[s] = (x, y, t)
    return data


def slices(t, y, ok):
    """Masks of the training and validation bars (labels inside their own slice only)."""
    train = ok & (y >= 0) & (t + HORIZON * HOUR < TRAIN_END)
    val = ok & (y >= 0) & (t >= TRAIN_END) & (t + HORIZON * HOUR < VAL_END)
    return train, val


def class_weights(y):
    counts = np.bincount(y, minlength=3).astype(np.float64)
    return counts.sum() / (3.0 * counts)


def metrics(p, y, prior):
    p = np.clip(p.astype(np.float64), 1e-12, 1.0)
    pred = p.argmax(1)
    recalls = [float((pred[y == c] == c).mean()) for c in range(3)]
    return {
        "val_rows": float(len(y)),
        "val_accuracy": float((pred == y).mean()),
        "val_balanced_accuracy": float(np.mean(recalls)),
        "val_logloss": float(-np.log(p[np.arange(len(y)), y]).mean()),
        "val_logloss_prior": float(-np.log(prior[y]).mean()),
        "val_majority_accuracy": float((y == 1).mean()),
        **{f"val_pred_share_{c}": float((pred == i).mean()) for i, c in enumerate(qm.CLASSES)},
    }


def tabular(data, mean, std):
    def stack(which):
        xs, ys = [], []
        for x, y, t in data.values():
            ok = ~np.isnan(x).any(1)
            m = slices(t, y, ok)[which]
            xs.append((x[m] - mean) / std)
            ys.append(y[m])
        return np.concatenate(xs).astype(np.float32), np.concatenate(ys)
    return stack(0), stack(1)


def windows(data, mean, std, which, stride):
    """Sequence windows [n, 120, F] ending at each selected bar (every `stride`-th training bar)."""
    xs, ys = [], []
    for x, y, t in data.values():
        xn = ((x - mean) / std).astype(np.float32)
        ok = ~np.isnan(x).any(1)
        full = np.convolve(ok.astype(np.int64), np.ones(qm.WINDOW, dtype=np.int64), "full")[: len(ok)] == qm.WINDOW
        ends = np.flatnonzero(slices(t, y, full)[which])[::stride]
        view = np.lib.stride_tricks.sliding_window_view(xn, (qm.WINDOW, xn.shape[1]))[:, 0]
        xs.append(view[ends - qm.WINDOW + 1])
        ys.append(y[ends])
    return np.concatenate(xs), np.concatenate(ys)


def convert(kind, src, dst):
    cmd = ["node", "--conditions=@quantum/source", "--import", "tsx", "scripts/models/convert-model.ts",
           f"--{kind}", src, "--out", dst]
    subprocess.run(cmd, cwd=ROOT, check=True)


def train_trees(train, val, prior, work):
    (xt, yt), (xv, yv) = train, val
    wt = class_weights(yt)[yt]
    out = {}
    clf = xgb.XGBClassifier(n_estimators=60, max_depth=4, learning_rate=0.05, subsample=0.8, colsample_bytree=0.8,
                            min_child_weight=20, objective="multi:softprob", tree_method="hist", n_jobs=2,
                            random_state=SEED)
    clf.fit(xt, yt, sample_weight=wt)
    clf.get_booster().save_model(os.path.join(work, "xgb.json"))
    convert("xgboost", os.path.join(work, "xgb.json"), os.path.join(OUT, "xgb.onnx"))
    out["xgb"] = metrics(clf.predict_proba(xv), yv, prior)
    params = {"objective": "multiclass", "num_class": 3, "num_leaves": 15, "learning_rate": 0.05,
              "min_data_in_leaf": 100, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
              "verbose": -1, "seed": SEED, "num_threads": 2}
    booster = lgb.train(params, lgb.Dataset(xt, yt, weight=wt), num_boost_round=60)
    booster.save_model(os.path.join(work, "lgbm.txt"))
    convert("lightgbm", os.path.join(work, "lgbm.txt"), os.path.join(OUT, "lgbm.onnx"))
    out["lgbm"] = metrics(booster.predict(xv.astype(np.float64)), yv, prior)
    return out, (xv[:4], {"xgb": clf.predict_proba(xv[:4]).tolist(), "lgbm": booster.predict(xv[:4]).tolist()})


def train_torch(net, train, val, prior, budget_s, epochs):
    (xt, yt), (xv, yv) = train, val
    weight = torch.tensor(class_weights(yt), dtype=torch.float32)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-4)
    xt_t, yt_t = torch.from_numpy(np.ascontiguousarray(xt)), torch.from_numpy(yt)
    start = time.time()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(yt_t))
        for i in range(0, len(perm), 256):
            b = perm[i:i + 256]
            loss = F.nll_loss(torch.log(net(xt_t[b]) + 1e-9), yt_t[b], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"  epoch {epoch + 1}: loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)
        if time.time() - start > budget_s:
            break
    net.eval()
    with torch.no_grad():
        pv = torch.cat([net(torch.from_numpy(np.ascontiguousarray(xv[i:i + 1024]))) for i in range(0, len(yv), 1024)])
    return metrics(pv.numpy(), yv, prior), epoch + 1, time.time() - start


def training_info(data, metrics_):
    first = min(int(t[0]) for _, _, t in data.values())
    return {"data": [f"{s}-1h.csv" for s in SYMBOLS], "from": iso(first), "to": "2025-06-30T23:59:59Z",
            "label": LABEL, "metrics": metrics_}


def iso(ms):
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", default="/tmp/qt-features")
    ap.add_argument("--work", default="/tmp/qt-train")
    ap.add_argument("--budget", type=float, default=150.0, help="wall-clock cap per torch model, seconds")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    data = load(args.features)
    train_rows = np.concatenate([x[slices(t, y, ~np.isnan(x).any(1))[0]] for x, y, t in data.values()])
    mean, std = train_rows.mean(0), train_rows.std(0)
    (xt, yt), (xv, yv) = tabular(data, mean, std)
    prior = np.bincount(yt, minlength=3) / len(yt)
    print(f"tabular train {len(yt)} val {len(yv)}; train class shares {np.round(prior, 3).tolist()}")
    results, check = train_trees((xt, yt), (xv, yv), prior, args.work)
    seq_train = windows(data, mean, std, 0, stride=2)
    seq_val = windows(data, mean, std, 1, stride=1)
    print(f"sequence train {len(seq_train[1])} val {len(seq_val[1])}")
    nets = {"nhits": (qm.NHitsClassifier(hidden=32), 4), "patchtst": (qm.PatchTSTClassifier(d_model=16, layers=1), 4)}
    for family, (net, epochs) in nets.items():
        print(f"training {family}", flush=True)
        m, done, secs = train_torch(net, seq_train, seq_val, prior, args.budget, epochs)
        m.update({"epochs": float(done), "train_seconds": round(secs, 1)})
        results[family] = m
        qm.export_onnx(net, os.path.join(OUT, f"{family}.onnx"))
        with torch.no_grad():
            check[1][family] = net(torch.from_numpy(np.ascontiguousarray(seq_val[0][:4]))).double().tolist()
    tabular_m = {k: results[k] for k in ("xgb", "lgbm")}
    for name, family, window in (("xgb", "xgboost", 1), ("lgbm", "lightgbm", 1),
                                 ("nhits", "nhits", qm.WINDOW), ("patchtst", "patchtst", qm.WINDOW)):
        m = {**results[name], "train_rows": float(len(yt) if window == 1 else len(seq_train[1]))}
        qm.write_meta(os.path.join(OUT, f"{name}.meta.json"), name=name, family=family, version=VERSION,
                      window=window, mean=mean, std=std, training=training_info(data, m), label_output=window == 1)
    with open(os.path.join(args.work, "check.json"), "w") as fh:  # inputs/outputs for an ORT parity check
        json.dump({"tabular": check[0].tolist(), "sequence": seq_val[0][:4].tolist(), "expected": check[1]}, fh)
    print(json.dumps({**tabular_m, **{k: results[k] for k in ("nhits", "patchtst")}}, indent=1))
    for f in sorted(os.listdir(OUT)):
        print(f"{f:22s} {qm.file_kb(os.path.join(OUT, f)):8.1f} KB")


if __name__ == "__main__":
    main()
