"""The window (sequence) model architectures of @quantum/clm: N-HiTS-like and PatchTST-like 3-class
classifiers over [batch, 120, features] windows, and their ONNX export (input `input` -> output
`probabilities`, opset 17, dynamic batch). Needs torch (Debian python3-torch 1.13).

Used by train_seq.py (the PyTorch training adapter) and by scripts/models (fixtures, example models).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW = 120
OPSET = 17


class NHitsBlock(nn.Module):
    """One N-HiTS block: max-pool the input, MLP, backcast (channel 0) and low-rate forecast coefficients."""

    def __init__(self, pool, hidden, n_coef, channels, horizon):
        super().__init__()
        self.pool = nn.MaxPool1d(pool, pool)
        self.horizon = horizon
        self.mlp = nn.Sequential(
            nn.Linear((WINDOW // pool) * channels, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
        )
        self.backcast = nn.Linear(hidden, WINDOW)
        self.forecast = nn.Linear(hidden, n_coef)

    def forward(self, z):  # z [B, C, T]
        h = self.mlp(self.pool(z).flatten(1))
        coef = self.forecast(h).unsqueeze(1)
        f = F.interpolate(coef, size=self.horizon, mode="linear", align_corners=False).squeeze(1)
        return self.backcast(h), f


class NHitsClassifier(nn.Module):
    """N-HiTS-like: 3 multi-rate blocks (pools 8/4/1) summing a latent 12-step forecast, then a 3-class head."""

    def __init__(self, channels=10, hidden=16, horizon=12):
        super().__init__()
        self.blocks = nn.ModuleList(
            [NHitsBlock(p, hidden, c, channels, horizon) for p, c in ((8, 2), (4, 4), (1, 12))]
        )
        self.head = nn.Linear(horizon + channels, 3)

    def forward(self, x):  # x [B, T, C]
        z = x.transpose(1, 2)
        res = z
        total = None
        for block in self.blocks:
            b, f = block(res)
            res = torch.cat([res[:, :1, :] - b.unsqueeze(1), res[:, 1:, :]], dim=1)
            total = f if total is None else total + f
        logits = self.head(torch.cat([total, z[:, :, -1]], dim=1))
        return torch.softmax(logits, dim=-1)


class PatchTSTClassifier(nn.Module):
    """PatchTST-like: channel-independent patches (Conv1d, never unfold), transformer encoder, 3-class head."""

    def __init__(self, channels=10, d_model=16, heads=2, layers=1, ff=32, patch=16, stride=8, per_channel=8):
        super().__init__()
        self.channels = channels
        self.patches = (WINDOW - patch) // stride + 1
        self.embed = nn.Conv1d(1, d_model, kernel_size=patch, stride=stride)
        self.pos = nn.Parameter(torch.randn(1, self.patches, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(
            d_model, heads, ff, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.per_channel = per_channel
        self.channel_head = nn.Linear(self.patches * d_model, per_channel)
        self.head = nn.Linear(channels * per_channel, 3)

    def forward(self, x):  # x [B, T, C]
        z = x.transpose(1, 2).reshape(-1, 1, WINDOW)  # [B*C, 1, T]
        p = self.embed(z).transpose(1, 2) + self.pos  # [B*C, P, d]
        h = self.encoder(p).flatten(1)
        h = torch.relu(self.channel_head(h)).reshape(-1, self.channels * self.per_channel)
        return torch.softmax(self.head(h), dim=-1)


def export_onnx(model, path, channels=10):
    """Exports a sequence model: input `input` [N, 120, C] -> output `probabilities` [N, 3], opset 17."""
    model.eval()
    dummy = torch.zeros(2, WINDOW, channels)
    # Grad mode stays on: under no_grad, nn.TransformerEncoderLayer takes its fused fast path
    # (aten::_transformer_encoder_layer_fwd), which has no ONNX export.
    torch.onnx.export(
        model, (dummy,), path, input_names=["input"], output_names=["probabilities"],
        dynamic_axes={"input": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=OPSET,
    )
