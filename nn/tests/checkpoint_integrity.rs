//! A checkpoint whose bytes changed after saving is refused with a sentence, never loaded.

use std::collections::BTreeMap;
use std::path::PathBuf;

use autograd::{ArrayD, IxDyn};
use nn::CheckpointError;

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "nn-integrity-{name}-{}.safetensors",
        std::process::id()
    ))
}

fn save(path: &PathBuf) -> Vec<u8> {
    let w = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1.0f32, -2.0, 3.0, 0.5]).unwrap();
    let b = ArrayD::from_shape_vec(IxDyn(&[2]), vec![0.25f32, 0.75]).unwrap();
    let meta = BTreeMap::from([("epoch".to_string(), "2".to_string())]);
    nn::save_tensors(path, &[("0.weight".into(), w), ("0.bias".into(), b)], meta).unwrap();
    std::fs::read(path).unwrap()
}

/// Start of the data section: after the 8-byte length and the header.
fn data_start(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

#[test]
fn damaged_tensor_bytes_are_refused_naming_the_file() {
    let path = temp_file("damaged");
    let mut bytes = save(&path);
    let (tensors, meta) = nn::load_tensors(&path).unwrap();
    assert_eq!(tensors.len(), 2);
    assert_eq!(
        meta.keys().collect::<Vec<_>>(),
        ["epoch"],
        "the checksum is not user metadata"
    );
    let header = String::from_utf8_lossy(&bytes[8..data_start(&bytes)]).into_owned();
    assert!(header.contains(nn::TENSORS_SHA256), "{header}");

    let at = data_start(&bytes) + 5;
    bytes[at] ^= 0x40; // one flipped bit in a weight: a valid float, a different value
    std::fs::write(&path, &bytes).unwrap();
    let err = nn::load_tensors(&path).unwrap_err();
    assert!(matches!(err, CheckpointError::Checksum { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("tensor data is damaged"), "{message}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_corrupt_header_is_described_in_words_not_debug_text() {
    let path = temp_file("offsets");
    let bytes = save(&path);
    let header = String::from_utf8(bytes[8..data_start(&bytes)].to_vec()).unwrap();
    // Move the first tensor's range so that it no longer starts at 0: InvalidOffset.
    let bad = header.replacen("\"data_offsets\":[0,", "\"data_offsets\":[4,", 1);
    assert_ne!(bad, header);
    let mut damaged = (bad.len() as u64).to_le_bytes().to_vec();
    damaged.extend(bad.as_bytes());
    damaged.extend(&bytes[data_start(&bytes)..]);
    std::fs::write(&path, &damaged).unwrap();
    let message = nn::load_tensors(&path).unwrap_err().to_string();
    assert!(message.contains("corrupt header"), "{message}");
    assert!(
        !message.contains("InvalidOffset") && !message.contains("TensorInvalidInfo"),
        "{message}"
    );
    std::fs::remove_file(&path).unwrap();
}
