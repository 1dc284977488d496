"""Generates PyTorch golden files for the MlNetLstm recurrent engine tests.

Run with: /usr/bin/python3 tests/data/pytorch/generate_golden.py
Writes one small JSON file per case next to this script. The test suite only reads the JSON.

Each file holds:
  config   : cell ("lstm" | "gru" | "rnn"), layers, bidirectional, batch B, steps T, input I, hidden H
  weights  : {state_dict name: {"shape": [...], "data": [flattened row-major floats]}}
  input    : [B, T, I] (batch_first=True), flattened
  probe    : fixed random tensor R with the output's shape; the scalar loss is sum(output * R)
  output   : [B, T, D*H], h_n: [L*D, B, H], c_n (LSTM only): [L*D, B, H]
  grads    : {state_dict name: flattened dLoss/dparam}, input_grad: dLoss/dinput
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
B, T, I, H = 3, 7, 5, 6


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run_case(name, cell, layers, bidirectional, seed):
    torch.manual_seed(seed)
    if cell == "lstm":
        net = torch.nn.LSTM(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    elif cell == "gru":
        net = torch.nn.GRU(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    else:
        net = torch.nn.RNN(I, H, num_layers=layers, nonlinearity="tanh", bidirectional=bidirectional,
                           batch_first=True)
    net = net.float()
    x = torch.randn(B, T, I, dtype=torch.float32, requires_grad=True)
    out, state = net(x)
    probe = torch.randn(out.shape, dtype=torch.float32)
    loss = (out * probe).sum()
    loss.backward()
    doc = {
        "config": {"cell": cell, "layers": layers, "bidirectional": bidirectional,
                   "batch": B, "steps": T, "input": I, "hidden": H},
        "weights": {k: {"shape": list(v.shape), "data": flat(v)} for k, v in net.state_dict().items()},
        "input": flat(x),
        "probe": flat(probe),
        "output": flat(out),
        "loss": float(loss),
        "grads": {k: flat(p.grad) for k, p in net.named_parameters()},
        "input_grad": flat(x.grad),
    }
    if cell == "lstm":
        h_n, c_n = state
        doc["h_n"] = flat(h_n)
        doc["c_n"] = flat(c_n)
    else:
        doc["h_n"] = flat(state)
    path = os.path.join(HERE, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print("wrote", path, "torch", torch.__version__)


if __name__ == "__main__":
    run_case("lstm_1layer", "lstm", 1, False, 11)
    run_case("lstm_2layer", "lstm", 2, False, 12)
    run_case("lstm_bidirectional", "lstm", 1, True, 13)
    run_case("lstm_2layer_bidirectional", "lstm", 2, True, 14)
    run_case("gru_1layer", "gru", 1, False, 15)
    run_case("gru_2layer_bidirectional", "gru", 2, True, 16)
    run_case("rnn_2layer", "rnn", 2, False, 17)
