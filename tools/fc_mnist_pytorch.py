#!/usr/bin/env python3
"""The PyTorch program that examples/fc_mnist.rs mirrors line for line (README, "The course's
loop"), to compare their test accuracies. Reads the IDX files the Rust side uses (no
torchvision needed), standardized with the same mean and std.

    /work/venv/bin/python tools/fc_mnist_pytorch.py [--seeds 0,1,2,3]

Never part of CI; set-up as in tools/compare_pytorch.py.
"""
import argparse
import os
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

MNIST = Path(os.environ.get("MNIST_DIR", Path(__file__).resolve().parent.parent / "data/cache/mnist"))


def read_idx(name):
    raw = (MNIST / name).read_bytes()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def dataset(images, labels):
    x = (read_idx(images).reshape(-1, 784).astype(np.float32) / 255.0 - 0.1307) / 0.3081
    return torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(read_idx(labels).astype(np.int64)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    train_set = dataset("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    test_set = dataset("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    for seed in [int(s) for s in args.seeds.split(",")]:
        torch.manual_seed(seed)
        model = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 512), nn.ReLU(),
            nn.Linear(512, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        for epoch in range(args.epochs):
            for x, y in torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True):
                optimizer.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                optimizer.step()
            print(f"seed {seed} epoch {epoch + 1}: loss {loss.item():.4f}")
        correct = 0
        with torch.no_grad():
            for x, y in torch.utils.data.DataLoader(test_set, batch_size=1000):
                correct += (model(x).argmax(1) == y).sum().item()
        print(f"seed {seed}: test accuracy {100 * correct / len(test_set):.2f}%")


if __name__ == "__main__":
    main()
