#!/usr/bin/env python3
"""Checks that `nn` checkpoints and PyTorch agree, in both directions.

Run by the Rust test `nn/tests/pytorch_roundtrip.rs` (see there), with one argument: a
directory in which the Rust side has written

  model.safetensors   the weights of mlp([784, 512, 512, 10], relu) under PyTorch's names
  io.safetensors      "input" [B, 784] and "output" [B, 10], the Rust model's forward pass

This script
  1. builds nn.Sequential(Linear(784,512), ReLU(), Linear(512,512), ReLU(), Linear(512,10)),
     loads model.safetensors with load_state_dict(strict=True) (names and shapes must match),
  2. checks that PyTorch's output on "input" equals the Rust output (max |diff| <= 1e-5),
  3. perturbs every parameter (fixed seed), and writes
       perturbed.safetensors     the new weights (safetensors.torch.save_file, with metadata)
       perturbed_io.safetensors  "output": PyTorch's forward pass of the perturbed model
     for the Rust side to load and compare.

Needs torch and safetensors (e.g. /work/venv/bin/python).
"""

import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

TOLERANCE = 1e-5


def model() -> torch.nn.Sequential:
    return torch.nn.Sequential(
        torch.nn.Linear(784, 512),
        torch.nn.ReLU(),
        torch.nn.Linear(512, 512),
        torch.nn.ReLU(),
        torch.nn.Linear(512, 10),
    )


def main(directory: Path) -> None:
    net = model()
    state = load_file(directory / "model.safetensors")
    with safe_open(directory / "model.safetensors", framework="pt") as f:
        metadata = f.metadata()
    net.load_state_dict(state, strict=True)
    print(f"loaded {len(state)} tensors with strict=True: {sorted(state)}; metadata {metadata}")

    io = load_file(directory / "io.safetensors")
    x, rust_out = io["input"], io["output"]
    with torch.no_grad():
        torch_out = net(x)
    diff = (torch_out - rust_out).abs().max().item()
    print(f"forward on input {list(x.shape)}: max |torch - rust| = {diff:.3e} (tolerance {TOLERANCE})")
    if not diff <= TOLERANCE:
        sys.exit(f"FAIL: outputs differ by {diff}")

    generator = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.01 * torch.randn(p.shape, generator=generator))
        perturbed_out = net(x)
    save_file(
        {k: v.contiguous() for k, v in net.state_dict().items()},
        directory / "perturbed.safetensors",
        metadata={"written_by": "pytorch", "torch_version": torch.__version__},
    )
    save_file({"output": perturbed_out.contiguous()}, directory / "perturbed_io.safetensors")
    print(f"wrote perturbed.safetensors and perturbed_io.safetensors (torch {torch.__version__})")
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} DIRECTORY")
    main(Path(sys.argv[1]))
