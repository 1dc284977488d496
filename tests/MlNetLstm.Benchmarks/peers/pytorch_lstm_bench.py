#!/usr/bin/env python3
"""PyTorch peer for `mlnetlstm bench lstm`: the same workload, the same JSON fields.

Run with Debian's python3-torch on OpenBLAS (see compare_pytorch.sh, which sets LD_LIBRARY_PATH):
  /usr/bin/python3 pytorch_lstm_bench.py --batch 64 --seq 64 --input 8 --hidden 64 --layers 1 --threads 1

trainSequencesPerSecond: forward + backward + Adam step, MSE on a linear head over the last hidden state.
inferSequencesPerSecond: batched forward under torch.no_grad().
streamMicrosecondsPerStep: batch 1, one time step per call, carrying (h, c).
"""
import argparse, json, time
import torch


def timed(fn, min_seconds, cpu=None):
    """Best of at least 5 samples of about min_seconds / 5 each (the same estimator as `mlnetlstm bench lstm`).
    When cpu is a list, appends the best process CPU time per call (all threads; time.process_time) over the same samples."""
    fn()
    fn()  # warm-up
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        s = time.perf_counter() - start
        if s >= min_seconds / 5:
            break
        n = max(n * 2, int(n * min_seconds / 5 * 1.1 / max(s, 1e-6)) + 1)
    best, best_cpu, total, i = float("inf"), float("inf"), 0.0, 0
    while i < 5 or total < min_seconds:
        start, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn()
        s = time.perf_counter() - start
        best_cpu = min(best_cpu, (time.process_time() - cpu0) / n)
        total += s
        best = min(best, s / n)
        i += 1
    if cpu is not None:
        cpu.append(best_cpu)
    return best


def main():
    p = argparse.ArgumentParser()
    for name, default in [("batch", 64), ("seq", 64), ("input", 8), ("hidden", 64), ("layers", 1), ("threads", 1)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--train-only", action="store_true", help="measure training only (the two-thread runs of the side-by-side script)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    lstm = torch.nn.LSTM(a.input, a.hidden, num_layers=a.layers, batch_first=True)
    head = torch.nn.Linear(a.hidden, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.randn(a.batch, a.seq, a.input)
    y = torch.randn(a.batch, 1)

    def train_step():
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        loss = torch.nn.functional.mse_loss(head(out[:, -1, :]), y)
        loss.backward()
        opt.step()

    def infer():
        with torch.no_grad():
            lstm(x)

    xs = torch.randn(1, 1, a.input)
    state = [torch.zeros(a.layers, 1, a.hidden), torch.zeros(a.layers, 1, a.hidden)]
    steps = 1000

    def stream():
        with torch.no_grad():
            h, c = state
            for _ in range(steps):
                _, (h, c) = lstm(xs, (h, c))

    train_cpu = []
    train = timed(train_step, a.seconds, train_cpu)
    result = {
        "engine": f"pytorch {torch.__version__}",
        "batch": a.batch, "seq": a.seq, "input": a.input, "hidden": a.hidden, "layers": a.layers, "threads": a.threads,
        "trainSequencesPerSecond": a.batch / train,
        "trainSequencesPerCpuSecond": a.batch / train_cpu[0],
    }
    if not a.train_only:
        inf = timed(infer, a.seconds)
        st = timed(stream, a.seconds)
        result.update({
            "inferSequencesPerSecond": a.batch / inf,
            "streamMicrosecondsPerStep": st / steps * 1e6,
            "streamBytesAllocatedPerStep": None,
        })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
