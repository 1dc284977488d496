#!/usr/bin/env python3
"""Generates the PyTorch state_dict fixtures of tests/MlNetLstm.Tests/Persistence/TorchStateDictTests.cs.

Run from this folder with Debian's python3-torch (1.13):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 generate_state_dict.py
        writes lstm_state_dict.pt / gru_state_dict.pt (torch.save of seeded nn.LSTM(3, 4, num_layers=2,
        bidirectional=True) and nn.GRU(3, 5, num_layers=2)) and expected.json (inputs, outputs, final states).

    LD_LIBRARY_PATH=... /usr/bin/python3 generate_state_dict.py --verify
        loads csharp_lstm_state_dict.pt / csharp_gru_state_dict.pt (written by the C# TorchStateDict writer:
        dotnet run tests/data/persistence/torch/write_csharp_state_dict.cs from the repository root) with torch.load (also with
        weights_only=True), checks every tensor equals the original bit for bit and that the loaded modules reproduce
        the expected outputs, and records the outcome in csharp_verified.json.

The test suite never runs Python: it only reads the committed files.
"""
import json
import sys

import torch
import torch.nn as nn


def build():
    torch.manual_seed(20240601)
    lstm = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch_first=True)
    gru = nn.GRU(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
    x = torch.randn(2, 6, 3)
    return {"lstm": lstm, "gru": gru}, x


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def generate():
    models, x = build()
    expected = {"input_shape": list(x.shape), "input": flat(x)}
    with torch.no_grad():
        for name, m in models.items():
            torch.save(m.state_dict(), f"{name}_state_dict.pt")
            out, state = m(x)
            h = state[0] if isinstance(state, tuple) else state
            expected[name] = {
                "input_size": m.input_size, "hidden_size": m.hidden_size, "num_layers": m.num_layers,
                "bidirectional": m.bidirectional, "output_shape": list(out.shape), "output": flat(out),
                "h_n_shape": list(h.shape), "h_n": flat(h),
                "state_dict": {k: {"shape": list(v.shape), "sum": float(v.double().sum())} for k, v in m.state_dict().items()},
            }
    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1)
    print("wrote lstm_state_dict.pt, gru_state_dict.pt, expected.json")


def verify():
    models, x = build()
    result = {"torch_version": torch.__version__}
    ok = True
    for name, m in models.items():
        original = torch.load(f"{name}_state_dict.pt")
        loaded = torch.load(f"csharp_{name}_state_dict.pt")
        safe = torch.load(f"csharp_{name}_state_dict.pt", weights_only=True)
        same_keys = list(loaded.keys()) == list(original.keys()) == list(safe.keys())
        identical = same_keys and all(
            loaded[k].dtype == torch.float32 and loaded[k].shape == original[k].shape and torch.equal(loaded[k], original[k])
            and torch.equal(safe[k], original[k]) for k in original)
        m.load_state_dict(loaded)
        with torch.no_grad():
            out, _ = m(x)
        ref = torch.load(f"{name}_state_dict.pt")
        models2, _ = build()
        models2[name].load_state_dict(ref)
        with torch.no_grad():
            out2, _ = models2[name](x)
        max_diff = float((out - out2).abs().max())
        result[name] = {"keys_equal": same_keys, "tensors_identical": identical, "weights_only_load": True,
                        "forward_max_abs_diff": max_diff}
        ok = ok and identical and max_diff == 0.0
    result["ok"] = ok
    with open("csharp_verified.json", "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    verify() if "--verify" in sys.argv else generate()
