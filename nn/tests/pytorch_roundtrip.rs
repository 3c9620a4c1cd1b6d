//! Checkpoints move between this crate and PyTorch unchanged, in both directions.
//!
//! Ignored by default because it needs a Python with torch and safetensors:
//!
//! ```text
//! PYTHON=/work/venv/bin/python cargo test -p gradwise-nn --test pytorch_roundtrip -- --ignored --nocapture
//! ```
//!
//! `NN_ROUNDTRIP_DIR` chooses where the files go (default: a fresh directory under the system
//! temporary directory). Steps: Rust writes `model.safetensors` (an `mlp([784, 512, 512, 10])`)
//! and `io.safetensors` (an input batch and the Rust output); `tools/safetensors_roundtrip.py`
//! loads the weights into the equivalent `torch.nn.Sequential` with `strict=True`, checks the
//! outputs agree to 1e-5, perturbs the weights and saves them with `safetensors.torch`; Rust
//! loads that file back and checks its own output against PyTorch's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use autograd::{no_grad, ArrayD, Tensor};
use nn::{
    load_tensors, load_weights, mlp, save_tensors, save_weights_with_metadata, Activation, Init,
    Module,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const TOLERANCE: f32 = 1e-5;

fn max_abs_diff(a: &ArrayD<f32>, b: &ArrayD<f32>) -> f32 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn tensor_named(path: &Path, name: &str) -> ArrayD<f32> {
    let (tensors, _) = load_tensors(path).unwrap();
    tensors
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no `{name}` in {}", path.display()))
        .1
}

#[test]
#[ignore = "needs PYTHON=<python with torch and safetensors>"]
fn pytorch_roundtrip() {
    let python =
        std::env::var("PYTHON").expect("set PYTHON to a python with torch and safetensors");
    let dir = std::env::var_os("NN_ROUNDTRIP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("nn-pytorch-roundtrip-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/safetensors_roundtrip.py");

    // 1. Rust: a model, an input batch, its output.
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let model = mlp(
        &[784, 512, 512, 10],
        Activation::Relu,
        0.0,
        Init::Pytorch,
        &mut rng,
    );
    let x = Tensor::randn(&[8, 784], 0.0, 1.0, &mut rng);
    let y = no_grad(|| model.forward(&x));
    let meta = BTreeMap::from([("written_by".to_string(), "nn (rust)".to_string())]);
    save_weights_with_metadata(dir.join("model.safetensors"), &model.parameters(), meta).unwrap();
    let io = [
        ("input".to_string(), x.value().clone()),
        ("output".to_string(), y.value().clone()),
    ];
    save_tensors(dir.join("io.safetensors"), &io, BTreeMap::new()).unwrap();

    // 2. PyTorch: strict load, compare, perturb, save.
    let out = Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .output()
        .expect("run the python script");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{} failed", script.display());

    // 3. Rust: load PyTorch's perturbed weights, compare outputs.
    let before = model.parameters().get("4.weight").unwrap().value().clone();
    let meta = load_weights(dir.join("perturbed.safetensors"), &model.parameters()).unwrap();
    assert_eq!(meta.get("written_by").map(String::as_str), Some("pytorch"));
    let after = model.parameters().get("4.weight").unwrap().value().clone();
    let moved = max_abs_diff(&before, &after);
    assert!(
        moved > 1e-3,
        "the perturbed weights did not arrive (max change {moved})"
    );
    assert_eq!(
        after,
        tensor_named(&dir.join("perturbed.safetensors"), "4.weight")
    );

    let rust_out = no_grad(|| model.forward(&x)).value().clone();
    let torch_out = tensor_named(&dir.join("perturbed_io.safetensors"), "output");
    let diff = max_abs_diff(&rust_out, &torch_out);
    println!("perturbed weights loaded back into rust: max |rust - torch| = {diff:.3e} (tolerance {TOLERANCE:e})");
    assert!(diff <= TOLERANCE, "outputs differ by {diff}");
    assert!(
        max_abs_diff(&rust_out, &y.value()) > 1e-3,
        "the perturbation changed nothing"
    );
}
