"""XGBoost side of the GBDT bench (bench/gbdt.ts): trains on the same split files, prints one JSON line per run.

Usage: /usr/bin/python3 bench/gbdt-xgboost.py <dir> <runs> <nthread> <params-json>
<dir> holds {train,validation,test}.x.f32 (float32 [n, F]) and .y.u8 (uint8 [n]) plus meta.json ({"columns": F}).
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb

d, runs, nthread, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
F = json.load(open(f"{d}/meta.json"))["columns"]


def load(k):
    x = np.fromfile(f"{d}/{k}.x.f32", dtype=np.float32).reshape(-1, F)
    y = np.fromfile(f"{d}/{k}.y.u8", dtype=np.uint8).astype(np.int64)
    return x, y


(xt, yt), (xv, yv), (xs, ys) = load("train"), load("validation"), load("test")
params = dict(
    objective="multi:softprob", num_class=3, tree_method="hist", max_bin=256, max_depth=p["maxDepth"],
    eta=p["learningRate"], reg_lambda=p["lambda"], min_child_weight=p["minChildWeight"], nthread=nthread,
    eval_metric="mlogloss", seed=0,
)
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    dt, dv = xgb.DMatrix(xt, label=yt), xgb.DMatrix(xv, label=yv)
    b = xgb.train(params, dt, p["rounds"], evals=[(dv, "validation")],
                  early_stopping_rounds=p["earlyStoppingRounds"], verbose_eval=False)
    ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    prob = b.predict(xgb.DMatrix(xs), iteration_range=(0, b.best_iteration + 1))
    ll = float(-np.log(np.clip(prob[np.arange(len(ys)), ys], 1e-15, 1)).mean())
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "rounds": b.best_iteration + 1, "logLoss": ll,
                      "accuracy": float((prob.argmax(1) == ys).mean()), "version": xgb.__version__}), flush=True)
