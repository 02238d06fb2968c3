"""Trains a window model (N-HiTS-like or PatchTST-like) for @quantum/clm's PyTorch adapter, exports ONNX.

Usage: python3 train_seq.py <dir> <architecture> <params-json>
<dir> holds seq.x.f32 (float32 [rows, F]: the dataset's rows grouped by symbol, in time order),
train/validation .ends.u32 (uint32: the row each window ends at; the TypeScript side guarantees the
window's rows are consecutive bars of one symbol) and .y.u8 (uint8 labels), and meta.json ({"columns": F,
"window": W, "classes": 3, "mean": [...], "std": [...]}). Writes <dir>/model.onnx and <dir>/result.json
({"epochs": n, "version": "torch ...", "validationLoss": x}). Exit code 3 when torch cannot be imported.
"""
import json
import os
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(f"missing: {e}", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq_models as sm  # noqa: E402

d, arch, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
meta = json.load(open(f"{d}/meta.json"))
C, W = meta["columns"], meta["window"]
if W != sm.WINDOW:
    print(f"window {W}: the architectures read {sm.WINDOW} bars", file=sys.stderr)
    sys.exit(2)
mean = np.asarray(meta["mean"], dtype=np.float64)
std = np.asarray(meta["std"], dtype=np.float64)
x = np.fromfile(f"{d}/seq.x.f32", dtype=np.float32).reshape(-1, C)
xn = ((x.astype(np.float64) - mean) / std).astype(np.float32)  # as the agents feed it: float32 features, normalised


def load(k):
    ends = np.fromfile(f"{d}/{k}.ends.u32", dtype=np.uint32).astype(np.int64)
    y = np.fromfile(f"{d}/{k}.y.u8", dtype=np.uint8).astype(np.int64)
    return ends, y


def windows(ends):
    idx = ends[:, None] + np.arange(-W + 1, 1)[None, :]
    return torch.from_numpy(np.ascontiguousarray(xn[idx]))


seed = int(params.get("seed", 1))
torch.manual_seed(seed)
np.random.seed(seed)
torch.set_num_threads(int(params.get("threads", 1)))
(te, ty), (ve, vy) = load("train"), load("validation")
stride = max(1, int(params.get("trainStride", 1)))
te, ty = te[::stride], ty[::stride]
if arch == "nhits":
    net = sm.NHitsClassifier(channels=C, hidden=int(params.get("hidden", 32)))
elif arch == "patchtst":
    net = sm.PatchTSTClassifier(channels=C, d_model=int(params.get("dModel", 16)), layers=int(params.get("layers", 1)))
else:
    print(f"unknown architecture {arch}", file=sys.stderr)
    sys.exit(2)
counts = np.bincount(ty, minlength=3).astype(np.float64)
weight = torch.tensor(len(ty) / (3 * np.maximum(counts, 1)), dtype=torch.float32) if params.get("balanced", True) else None
opt = torch.optim.Adam(net.parameters(), lr=float(params.get("learningRate", 2e-3)), weight_decay=1e-4)
epochs, batch = int(params.get("epochs", 4)), int(params.get("batch", 256))
budget = float(params.get("budgetSeconds", 600))
yt = torch.from_numpy(ty)
xv, yv = windows(ve), torch.from_numpy(vy)


def validation_loss():
    net.eval()
    with torch.no_grad():
        p = torch.cat([net(xv[i:i + 1024]) for i in range(0, len(yv), 1024)])
    net.train()
    return float(F.nll_loss(torch.log(p + 1e-9), yv).item())


best, best_state, done = float("inf"), None, 0
start = time.time()
for epoch in range(epochs):
    net.train()
    perm = torch.randperm(len(yt))
    for i in range(0, len(perm), batch):
        b = perm[i:i + batch].numpy()
        loss = F.nll_loss(torch.log(net(windows(te[b])) + 1e-9), yt[b], weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
    done = epoch + 1
    v = validation_loss()
    if v < best:
        best, best_state = v, {k: t.clone() for k, t in net.state_dict().items()}
    if time.time() - start > budget:
        break
if best_state is not None:
    net.load_state_dict(best_state)
sm.export_onnx(net, f"{d}/model.onnx", channels=C)
json.dump({"epochs": done, "version": f"torch {torch.__version__}", "validationLoss": best}, open(f"{d}/result.json", "w"))
