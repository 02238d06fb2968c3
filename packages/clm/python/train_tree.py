"""Trains a multi-class tree model for @quantum/clm's Python adapter (XGBoost or LightGBM).

Usage: python3 train_tree.py <dir> <library> <params-json>
<dir> holds train/validation .x.f32 (float32 [n, F]) and .y.u8 (uint8 [n]) and meta.json ({"columns": F,
"classes": K}); writes <dir>/model.json (XGBoost JSON) or <dir>/model.txt (LightGBM text) and
<dir>/result.json ({"rounds": n, "version": "..."}). Exit code 3 when the library cannot be imported.
"""
import json
import sys

import numpy as np

d, library, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
meta = json.load(open(f"{d}/meta.json"))
F, K = meta["columns"], meta["classes"]


def load(k):
    x = np.fromfile(f"{d}/{k}.x.f32", dtype=np.float32).reshape(-1, F)
    y = np.fromfile(f"{d}/{k}.y.u8", dtype=np.uint8).astype(np.int64)
    return x, y


(xt, yt), (xv, yv) = load("train"), load("validation")
rounds = int(params.get("rounds", 300))
stop = int(params.get("earlyStoppingRounds", 30))
if library == "xgboost":
    try:
        import xgboost as xgb
    except ImportError as e:
        print(f"missing: {e}", file=sys.stderr)
        sys.exit(3)
    p = dict(objective="multi:softprob", num_class=K, tree_method="hist", max_bin=256, eval_metric="mlogloss",
             max_depth=int(params.get("maxDepth", 6)), eta=float(params.get("learningRate", 0.1)),
             reg_lambda=float(params.get("lambda", 1)), min_child_weight=float(params.get("minChildWeight", 1)),
             nthread=int(params.get("threads", 1)), seed=0)
    b = xgb.train(p, xgb.DMatrix(xt, label=yt), rounds, evals=[(xgb.DMatrix(xv, label=yv), "validation")],
                  early_stopping_rounds=stop if stop > 0 else None, verbose_eval=False)
    best = b.best_iteration + 1 if stop > 0 else rounds
    b = b[:best]
    b.save_model(f"{d}/model.json")
    json.dump({"rounds": best, "version": f"xgboost {xgb.__version__}"}, open(f"{d}/result.json", "w"))
elif library == "lightgbm":
    try:
        import lightgbm as lgb
    except ImportError as e:
        print(f"missing: {e}", file=sys.stderr)
        sys.exit(3)
    p = dict(objective="multiclass", num_class=K, num_leaves=int(params.get("maxLeaves", 31)),
             learning_rate=float(params.get("learningRate", 0.1)), lambda_l2=float(params.get("lambda", 1)),
             num_threads=int(params.get("threads", 1)), verbose=-1, seed=0)
    cb = [lgb.early_stopping(stop, verbose=False)] if stop > 0 else []
    b = lgb.train(p, lgb.Dataset(xt, label=yt), rounds, valid_sets=[lgb.Dataset(xv, label=yv)], callbacks=cb)
    b.save_model(f"{d}/model.txt", num_iteration=b.best_iteration or rounds)
    json.dump({"rounds": b.best_iteration or rounds, "version": f"lightgbm {lgb.__version__}"}, open(f"{d}/result.json", "w"))
else:
    print(f"unknown library {library}", file=sys.stderr)
    sys.exit(2)
