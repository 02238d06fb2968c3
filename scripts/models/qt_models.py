"""Shared pieces of the model scripts: the torch architectures, ONNX export and `.meta.json` writing.

Imported by make_fixtures.py and train_example_models.py (same folder). Needs Debian's python3-torch 1.13
(run with /usr/bin/python3, not a pyenv shim). See scripts/models/README.md.
"""
import datetime as _dt
import json
import os
import sys

import torch  # noqa: F401  (the architectures below need it)

# The architectures and the ONNX export live with the PyTorch training adapter of @quantum/clm.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "clm", "python"))
from seq_models import OPSET, WINDOW, NHitsBlock, NHitsClassifier, PatchTSTClassifier, export_onnx  # noqa: E402,F401

# Must equal STANDARD_FEATURES in packages/agents/src/features/standard-features.ts (tests check it).
STANDARD_FEATURES = [
    "ret_1", "ret_4", "ret_16", "ret_64", "rsi_14", "atr_14_pct",
    "ema_12_26_gap", "close_ema_50_gap", "range_pct", "volume_ratio_20",
]
CLASSES = ["SELL", "HOLD", "BUY"]  # class index 0, 1, 2 of every probability output


def now_iso():
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_meta(path, *, name, family, version, window, mean, std, training, label_output=False):
    """Writes `<model>.meta.json` in the `quantum-model@1` format (ModelMetadataSchema in @quantum/agents)."""
    shape = ["batch", len(STANDARD_FEATURES)] if window == 1 else ["batch", window, len(STANDARD_FEATURES)]
    outputs = {"probabilities": "probabilities"}
    if label_output:
        outputs["label"] = "label"
    meta = {
        "format": "quantum-model@1",
        "name": name,
        "family": family,
        "version": version,
        "createdAt": now_iso(),
        "features": STANDARD_FEATURES,
        "window": window,
        "input": {"name": "input", "shape": shape},
        "outputs": outputs,
        "classes": CLASSES,
        "normalization": {"mean": [float(v) for v in mean], "std": [float(v) for v in std]},
        "training": training,
    }
    with open(path, "w") as fh:
        json.dump(meta, fh, indent=2)
        fh.write("\n")


def file_kb(path):
    return os.path.getsize(path) / 1024.0
