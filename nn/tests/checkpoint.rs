//! Safetensors checkpoints: round trips, mismatches, corrupt files, atomic saves.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use autograd::{ArrayD, IxDyn};
use nn::{
    load_tensors, load_weights, mlp, save_tensors, save_weights, Activation, CheckpointError, Init,
    Module,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A fresh empty directory for one test, removed when the test ends (also when it fails).
fn scratch(test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("nn-checkpoint-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn model(sizes: &[usize], seed: u64) -> nn::Sequential {
    mlp(
        sizes,
        Activation::Relu,
        0.0,
        Init::Pytorch,
        &mut ChaCha8Rng::seed_from_u64(seed),
    )
}

fn array(data: &[f32], shape: &[usize]) -> ArrayD<f32> {
    ArrayD::from_shape_vec(IxDyn(shape), data.to_vec()).unwrap()
}

#[test]
fn tensors_and_metadata_round_trip_bit_for_bit() {
    let dir = scratch("roundtrip");
    let path = dir.join("t.safetensors");
    // Values chosen to catch any lossy conversion: subnormal, −0, ±∞, NaN payload, max.
    let odd = [
        f32::MIN_POSITIVE / 8.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(0x7fc0_1234),
        f32::MAX,
    ];
    let tensors = vec![
        ("a".to_string(), array(&odd, &[2, 3])),
        ("b.scalar".to_string(), array(&[3.5], &[])),
        ("c".to_string(), array(&[1.0, 2.0, 3.0, 4.0], &[1, 2, 2])),
    ];
    let meta = BTreeMap::from([
        ("epoch".to_string(), "7".to_string()),
        ("note".to_string(), "ünïcode ✓".to_string()),
    ]);
    save_tensors(&path, &tensors, meta.clone()).unwrap();
    let (loaded, loaded_meta) = load_tensors(&path).unwrap();
    assert_eq!(loaded_meta, meta);
    assert_eq!(loaded.len(), 3);
    for ((n1, a1), (n2, a2)) in tensors.iter().zip(&loaded) {
        assert_eq!(n1, n2);
        assert_eq!(a1.shape(), a2.shape());
        let bits = |a: &ArrayD<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a1), bits(a2), "tensor {n1}");
    }
    // No metadata → an empty map back.
    save_tensors(&path, &tensors[..1], BTreeMap::new()).unwrap();
    assert!(load_tensors(&path).unwrap().1.is_empty());
}

#[test]
fn non_contiguous_arrays_are_saved_in_logical_order() {
    let dir = scratch("layout");
    let path = dir.join("t.safetensors");
    // The transpose of [[1, 2, 3], [4, 5, 6]] is [[1, 4], [2, 5], [3, 6]] in row-major order.
    let t = array(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).reversed_axes();
    save_tensors(&path, &[("t".into(), t)], BTreeMap::new()).unwrap();
    let (loaded, _) = load_tensors(&path).unwrap();
    assert_eq!(
        loaded[0].1.iter().copied().collect::<Vec<_>>(),
        vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
    );
}

#[test]
fn weights_round_trip_into_another_model() {
    let dir = scratch("weights");
    let path = dir.join("w.safetensors");
    let (a, b) = (model(&[6, 5, 4, 3], 1), model(&[6, 5, 4, 3], 2));
    assert_ne!(
        a.parameters().get("0.weight").unwrap().to_vec(),
        b.parameters().get("0.weight").unwrap().to_vec()
    );
    save_weights(&path, &a.parameters()).unwrap();
    load_weights(&path, &b.parameters()).unwrap();
    for (pa, pb) in a.parameters().iter().zip(b.parameters().iter()) {
        assert_eq!(pa.name, pb.name);
        assert_eq!(pa.tensor.to_vec(), pb.tensor.to_vec());
    }
    // The file holds exactly the PyTorch names.
    let (tensors, _) = load_tensors(&path).unwrap();
    let mut names: Vec<_> = tensors.into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(
        names,
        ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    );
}

#[test]
fn shape_mismatch_names_the_parameter_and_both_shapes() {
    let dir = scratch("shape");
    let path = dir.join("w.safetensors");
    save_weights(&path, &model(&[6, 5, 3], 1).parameters()).unwrap();
    let other = model(&[6, 7, 3], 2);
    let before = other.parameters().get("0.weight").unwrap().to_vec();
    let err = load_weights(&path, &other.parameters()).unwrap_err();
    let text = err.to_string();
    match &err {
        CheckpointError::Mismatch {
            shapes,
            missing,
            unexpected,
            ..
        } => {
            let got: Vec<_> = shapes
                .iter()
                .map(|s| (s.name.as_str(), s.expected.clone(), s.found.clone()))
                .collect();
            assert_eq!(
                got,
                vec![
                    ("0.weight", vec![7, 6], vec![5, 6]),
                    ("0.bias", vec![7], vec![5]),
                    ("2.weight", vec![3, 7], vec![3, 5])
                ]
            );
            assert!(missing.is_empty() && unexpected.is_empty());
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert!(text.contains("w.safetensors"), "{text}");
    assert!(
        text.contains("parameter `0.weight` has shape [7, 6] in the model but [5, 6] in the file"),
        "{text}"
    );
    // Nothing was loaded, not even the parameter that fits (2.bias).
    assert_eq!(other.parameters().get("0.weight").unwrap().to_vec(), before);
}

#[test]
fn missing_and_unexpected_names_are_listed() {
    let dir = scratch("names");
    let path = dir.join("w.safetensors");
    // With dropout the layers are 0, 3, 6; without, 0, 2, 4 (same shapes otherwise).
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let with_dropout = mlp(
        &[4, 4, 4, 2],
        Activation::Relu,
        0.5,
        Init::Pytorch,
        &mut rng,
    );
    save_weights(&path, &with_dropout.parameters()).unwrap();
    let err = load_weights(&path, &model(&[4, 4, 4, 2], 0).parameters()).unwrap_err();
    match &err {
        CheckpointError::Mismatch {
            shapes,
            missing,
            unexpected,
            ..
        } => {
            assert!(shapes.is_empty());
            assert_eq!(missing, &["2.weight", "2.bias", "4.weight", "4.bias"]);
            assert_eq!(unexpected, &["3.bias", "3.weight", "6.bias", "6.weight"]);
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("missing from the file: 2.weight, 2.bias, 4.weight, 4.bias"),
        "{text}"
    );
    assert!(
        text.contains("unexpected in the file: 3.bias, 3.weight, 6.bias, 6.weight"),
        "{text}"
    );
}

#[test]
fn truncated_and_garbage_files_are_clear_errors() {
    let dir = scratch("corrupt");
    let good = dir.join("good.safetensors");
    save_weights(&good, &model(&[3, 2], 0).parameters()).unwrap();
    let bytes = fs::read(&good).unwrap();

    let check = |name: &str, content: &[u8], expect: &str| {
        let path = dir.join(name);
        fs::write(&path, content).unwrap();
        let err = load_tensors(&path).unwrap_err();
        assert!(
            matches!(err, CheckpointError::Format { .. }),
            "{name}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(name) && text.contains(expect),
            "{name}: {text}"
        );
    };
    check(
        "cut-data.safetensors",
        &bytes[..bytes.len() - 3],
        "truncated",
    );
    check("cut-header.safetensors", &bytes[..20], "truncated");
    check(
        "tiny.safetensors",
        &bytes[..5],
        "shorter than its 8-byte header length",
    );
    check(
        "garbage.safetensors",
        b"this is certainly not a safetensors file",
        "not a safetensors file",
    );
    // A plausible length followed by bytes that are not JSON.
    let mut junk = 16u64.to_le_bytes().to_vec();
    junk.extend_from_slice(b"{not json at all");
    check("junk.safetensors", &junk, "corrupt header");
    check("empty.safetensors", b"", "shorter");

    let missing = dir.join("nope.safetensors");
    let err = load_tensors(&missing).unwrap_err();
    assert!(
        matches!(err, CheckpointError::Io { .. }) && err.to_string().contains("nope.safetensors")
    );
}

#[test]
fn other_dtypes_are_refused() {
    let dir = scratch("dtype");
    let path = dir.join("half.safetensors");
    // A hand-made file: header {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}, 4 bytes.
    let header = br#"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&[0, 60, 0, 64]); // 1.0 and 2.0 in f16
    fs::write(&path, bytes).unwrap();
    let err = load_tensors(&path).unwrap_err();
    assert!(
        matches!(&err, CheckpointError::Dtype { name, dtype, .. } if name == "h" && dtype == "F16"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("tensor `h` has dtype F16, only F32 is supported"));
}

#[test]
fn duplicate_names_are_refused() {
    let dir = scratch("dup");
    let t = vec![
        ("x".to_string(), array(&[1.0], &[1])),
        ("x".to_string(), array(&[2.0], &[1])),
    ];
    let err = save_tensors(dir.join("d.safetensors"), &t, BTreeMap::new()).unwrap_err();
    assert!(err.to_string().contains("tensor name `x` given twice"));
}

#[test]
fn saving_over_a_file_leaves_no_temporary_behind() {
    let dir = scratch("atomic-ok");
    let path = dir.join("w.safetensors");
    save_weights(&path, &model(&[3, 2], 0).parameters()).unwrap();
    save_weights(&path, &model(&[3, 2], 1).parameters()).unwrap();
    let entries: Vec<_> = fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec!["w.safetensors"]);
    let m = model(&[3, 2], 5);
    load_weights(&path, &m.parameters()).unwrap();
    assert_eq!(
        m.parameters().get("0.weight").unwrap().to_vec(),
        model(&[3, 2], 1)
            .parameters()
            .get("0.weight")
            .unwrap()
            .to_vec()
    );
}

#[test]
fn a_failed_save_leaves_the_original_untouched() {
    let dir = scratch("atomic-fail");
    let path = dir.join("w.safetensors");
    save_weights(&path, &model(&[3, 2], 0).parameters()).unwrap();
    let original = fs::read(&path).unwrap();
    // Occupy the temporary name with a directory, so creating the temporary file fails.
    let tmp = atomic_file::temporary_path(&path).unwrap();
    fs::create_dir(&tmp).unwrap();
    let err = save_weights(&path, &model(&[3, 2], 1).parameters()).unwrap_err();
    assert!(matches!(err, CheckpointError::Io { .. }), "{err:?}");
    assert!(
        err.to_string().contains("cannot create the temporary file"),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), original);
    assert!(tmp.is_dir(), "the obstacle is not ours to remove");
    fs::remove_dir(&tmp).unwrap();
    // A path whose directory does not exist fails the same way, creating nothing.
    let err = save_weights(
        dir.join("no/such/dir/w.safetensors"),
        &model(&[3, 2], 1).parameters(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no/such/dir"), "{err}");
    let entries: Vec<_> = fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec!["w.safetensors"]);
}
