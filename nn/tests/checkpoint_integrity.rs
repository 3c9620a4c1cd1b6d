//! A checkpoint whose bytes changed after saving is refused with a sentence, never loaded; so
//! are weights that are not numbers and paths that are not files. Files from PyTorch load.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use autograd::{ArrayD, IxDyn};
use nn::CheckpointError;
use sha2::Digest;

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

// ---------------------------------------------------------------------------------------------
// The whole file is covered: metadata, names, dtypes, shapes, data, and the checksums' own keys.

/// A fresh empty directory for one test, removed when the test ends (also when it fails).
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("nn-integrity-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The tensors of a tiny one-layer model, values written out so that a test knows them.
fn run_tensors() -> Vec<(String, ArrayD<f32>)> {
    vec![
        (
            "0.weight".into(),
            ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1.0, -2.0, 3.0, 0.5]).unwrap(),
        ),
        (
            "0.bias".into(),
            ArrayD::from_shape_vec(IxDyn(&[2]), vec![0.25, 0.75]).unwrap(),
        ),
    ]
}

/// Metadata like a training checkpoint's: a float, JSON documents, a counter.
fn run_metadata() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("optim.lr".to_string(), "0.001".to_string()),
        (
            "config".to_string(),
            r#"{"batch_size":64,"seed":5}"#.to_string(),
        ),
        (
            "history".to_string(),
            r#"[{"epoch":1,"loss":0.5}]"#.to_string(),
        ),
        ("epoch".to_string(), "1".to_string()),
    ])
}

/// Saves the run through the public API and returns the file's bytes.
fn save_run(path: &Path) -> Vec<u8> {
    nn::save_tensors(path, &run_tensors(), run_metadata()).unwrap();
    std::fs::read(path).unwrap()
}

/// The tensors as (name, shape, bit patterns), sorted by name, for exact comparison.
fn bits(tensors: &[(String, ArrayD<f32>)]) -> Vec<(String, Vec<usize>, Vec<u32>)> {
    let mut out: Vec<_> = tensors
        .iter()
        .map(|(n, a)| {
            let values = a.iter().map(|v| v.to_bits()).collect();
            (n.clone(), a.shape().to_vec(), values)
        })
        .collect();
    out.sort();
    out
}

/// SHA-256 in lower-case hex, as `sha256sum` prints it.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` with the single occurrence of `from` replaced by `to` (same length).
fn replace_once(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "an edit in place");
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let hits: Vec<usize> = (0..=bytes.len() - from.len())
        .filter(|&i| &bytes[i..i + from.len()] == from)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "`{}` occurs {} times",
        String::from_utf8_lossy(from),
        hits.len()
    );
    let mut out = bytes.to_vec();
    out[hits[0]..hits[0] + to.len()].copy_from_slice(to);
    out
}

/// The file with its header JSON parsed, edited and written back properly (length, padding).
fn rewrite_header(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let start = data_start(bytes);
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[8..start]).unwrap();
    edit(&mut header);
    let mut text = serde_json::to_string(&header).unwrap().into_bytes();
    text.resize(text.len().div_ceil(8) * 8, b' ');
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend(text);
    out.extend(&bytes[start..]);
    out
}

/// Writes `bytes` to `path`, loads it, and returns the error, which must name the file.
fn refused(path: &Path, bytes: &[u8]) -> CheckpointError {
    std::fs::write(path, bytes).unwrap();
    let err = match nn::load_tensors(path) {
        Ok((tensors, meta)) => panic!("loaded: {:?} {meta:?}", bits(&tensors)),
        Err(err) => err,
    };
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the error does not name the file: {message}"
    );
    err
}

#[test]
fn a_saved_file_carries_its_marker_and_both_checksums_and_loads_as_saved() {
    let dir = Scratch::new("marker");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..data_start(&bytes)]).unwrap();
    let meta = &header["__metadata__"];
    assert_eq!(meta[nn::FORMAT_KEY], "gradwise-nn/2");
    // The data checksum is the SHA-256 of the bytes after the header, as `sha256sum` gives it.
    let data_hex = sha256_hex(&bytes[data_start(&bytes)..]);
    assert_eq!(meta[nn::TENSORS_SHA256], data_hex.as_str());
    assert_eq!(meta[nn::HEADER_SHA256].as_str().unwrap().len(), 64);

    let (tensors, loaded) = nn::load_tensors(&path).unwrap();
    assert_eq!(bits(&tensors), bits(&run_tensors()));
    assert_eq!(
        loaded,
        run_metadata(),
        "marker and checksums are not returned"
    );
}

#[test]
fn one_byte_edits_of_metadata_values_are_refused() {
    let dir = Scratch::new("values");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    // A float, a field of a JSON document (escaped inside the header's string), another one.
    for (from, to) in [
        ("0.001", "0.009"),
        (r#"batch_size\":64"#, r#"batch_size\":34"#),
        (r#"loss\":0.5"#, r#"loss\":0.7"#),
        (r#""epoch":"1""#, r#""epoch":"2""#),
    ] {
        let err = refused(&path, &replace_once(&bytes, from, to));
        assert!(
            matches!(err, CheckpointError::HeaderChecksum { .. }),
            "{from} -> {to}: {err:?}"
        );
        assert!(
            err.to_string().contains("header (metadata, tensor names"),
            "{err}"
        );
    }
}

#[test]
fn one_byte_edits_of_metadata_keys_are_refused() {
    let dir = Scratch::new("keys");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    for (from, to) in [
        (r#""optim.lr""#, r#""optim.lx""#),
        (r#""epoch":"1""#, r#""epocx":"1""#),
        (r#""config""#, r#""confiG""#),
    ] {
        let err = refused(&path, &replace_once(&bytes, from, to));
        assert!(
            matches!(err, CheckpointError::HeaderChecksum { .. }),
            "{from} -> {to}: {err:?}"
        );
    }
}

#[test]
fn renaming_or_deleting_a_key_of_the_checksums_is_refused() {
    let dir = Scratch::new("checksum-keys");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    // (key, one byte changed, the key named as still there, the key named as missing)
    let cases = [
        (
            nn::HEADER_SHA256,
            "gradwise.header_sha257",
            nn::FORMAT_KEY,
            nn::HEADER_SHA256,
        ),
        (
            nn::FORMAT_KEY,
            "gradwise.formaT",
            nn::HEADER_SHA256,
            nn::FORMAT_KEY,
        ),
        (
            nn::TENSORS_SHA256,
            "tensors_sha255",
            nn::FORMAT_KEY,
            nn::TENSORS_SHA256,
        ),
    ];
    for (key, renamed, present, missing) in cases {
        let quoted = |k: &str| format!("\"{k}\"");
        let edits = [
            replace_once(&bytes, &quoted(key), &quoted(renamed)),
            rewrite_header(&bytes, |h| {
                h["__metadata__"].as_object_mut().unwrap().remove(key);
            }),
        ];
        for edited in edits {
            let err = refused(&path, &edited);
            match &err {
                CheckpointError::MissingChecksum {
                    present: p,
                    missing: m,
                    ..
                } => assert_eq!((*p, *m), (present, missing), "{key}"),
                other => panic!("{key}: {other:?}"),
            }
            let message = err.to_string();
            assert!(
                message.contains(&format!("has `{present}` but no `{missing}`")),
                "{message}"
            );
        }
    }
    // A changed version is not read as some other format.
    let err = refused(
        &path,
        &replace_once(&bytes, "\"gradwise-nn/2\"", "\"gradwise-nn/3\""),
    );
    assert!(matches!(err, CheckpointError::Format { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("is `gradwise-nn/3`, a format this version does not read"),
        "{err}"
    );
}

#[test]
fn changed_names_dtypes_shapes_and_checksums_are_refused() {
    let dir = Scratch::new("layout");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    let header_changes = [
        (r#""0.weight""#, r#""0.weighT""#),
        // I32 has F32's size, so the byte ranges still add up: only the checksum sees it.
        (r#""0.bias":{"dtype":"F32""#, r#""0.bias":{"dtype":"I32""#),
        // [2, 2] → [1, 4]: the same number of values.
        (r#""shape":[2,2]"#, r#""shape":[1,4]"#),
    ];
    for (from, to) in header_changes {
        let err = refused(&path, &replace_once(&bytes, from, to));
        assert!(
            matches!(err, CheckpointError::HeaderChecksum { .. }),
            "{from} -> {to}: {err:?}"
        );
    }
    // The recorded checksums themselves: the header's own, and the data's (which it covers).
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..data_start(&bytes)]).unwrap();
    for key in [nn::HEADER_SHA256, nn::TENSORS_SHA256] {
        let digest = header["__metadata__"][key].as_str().unwrap().to_string();
        let flipped = if digest.starts_with('0') { "1" } else { "0" }.to_string() + &digest[1..];
        let err = refused(&path, &replace_once(&bytes, &digest, &flipped));
        assert!(
            matches!(err, CheckpointError::HeaderChecksum { .. }),
            "{key}: {err:?}"
        );
    }
}

#[test]
fn white_space_and_key_order_in_the_header_change_nothing() {
    // What the checksum covers is what the JSON says, not how it is spelled: a header rewritten
    // with other spacing and its keys in another order loads the same values.
    let dir = Scratch::new("spelling");
    let path = dir.0.join("run.safetensors");
    let bytes = save_run(&path);
    let start = data_start(&bytes);
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..start]).unwrap();
    let mut text = serde_json::to_string_pretty(&header).unwrap().into_bytes();
    assert_ne!(text, bytes[8..start].to_vec());
    text.resize(text.len().div_ceil(8) * 8, b' ');
    let mut respelled = (text.len() as u64).to_le_bytes().to_vec();
    respelled.extend(text);
    respelled.extend(&bytes[start..]);
    std::fs::write(&path, respelled).unwrap();
    let (tensors, meta) = nn::load_tensors(&path).unwrap();
    assert_eq!(bits(&tensors), bits(&run_tensors()));
    assert_eq!(meta, run_metadata());
}

#[test]
fn every_single_bit_flip_is_refused_or_changes_nothing() {
    let dir = Scratch::new("sweep");
    let bytes = save_run(&dir.0.join("original.safetensors"));
    let expected = (bits(&run_tensors()), run_metadata());
    let (mut refused_count, mut harmless) = (0, Vec::new());
    // Every bit of the length, the header and the data (this file's data is 24 bytes).
    for at in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1 << bit;
            // A new file each time: truncating one file over and over makes the file system
            // flush it every time (ext4), which is slow.
            let path = dir.0.join(format!("flip-{at}-{bit}.safetensors"));
            std::fs::write(&path, &flipped).unwrap();
            let loaded = nn::load_tensors(&path);
            std::fs::remove_file(&path).unwrap();
            match loaded {
                Err(err) => {
                    let message = err.to_string();
                    assert!(
                        message.contains(&path.display().to_string()),
                        "byte {at} bit {bit}: {message}"
                    );
                    refused_count += 1;
                }
                Ok((tensors, meta)) => {
                    assert_eq!(
                        (bits(&tensors), meta),
                        expected,
                        "byte {at} bit {bit} ({:?} -> {:?}) loaded different values",
                        bytes[at] as char,
                        flipped[at] as char
                    );
                    harmless.push((at, bit));
                }
            }
        }
    }
    assert_eq!(refused_count + harmless.len(), bytes.len() * 8);
    println!(
        "{} flips: {refused_count} refused, {} loaded the original values: {harmless:?}",
        bytes.len() * 8,
        harmless.len()
    );
    // No bit flip silently changed a value; and there are few harmless ones at most (white
    // space only: a flip of the padding's spaces gives no other white space).
    assert!(harmless.len() <= 8, "{harmless:?}");
}

#[test]
fn every_one_byte_substitution_by_a_json_character_is_refused_or_changes_nothing() {
    // Bit flips never turn a byte into white space or JSON punctuation; these substitutions
    // do, at every position of the length and the header: where a harmless edit could be.
    let dir = Scratch::new("substitutions");
    let bytes = save_run(&dir.0.join("original.safetensors"));
    let expected = (bits(&run_tensors()), run_metadata());
    let replacements = b" \t\n\r\"\\/,:{}[]0123456789.-+eEuFIa\x00\x7f";
    let mut harmless = Vec::new();
    for at in 0..data_start(&bytes) {
        for &byte in replacements.iter().filter(|&&b| b != bytes[at]) {
            let mut edited = bytes.clone();
            edited[at] = byte;
            let path = dir.0.join(format!("edit-{at}-{byte}.safetensors"));
            std::fs::write(&path, &edited).unwrap();
            let loaded = nn::load_tensors(&path);
            std::fs::remove_file(&path).unwrap();
            match loaded {
                Err(err) => assert!(
                    err.to_string().contains(&path.display().to_string()),
                    "{err}"
                ),
                Ok((tensors, meta)) => {
                    assert_eq!(
                        (bits(&tensors), meta),
                        expected,
                        "byte {at}: {:?} -> {:?} loaded different values",
                        bytes[at] as char,
                        byte as char
                    );
                    harmless.push((at, byte as char));
                }
            }
        }
    }
    // The padding at the end of the header is spaces: other white space there is harmless.
    assert!(
        harmless.iter().all(|(at, _)| bytes[*at] == b' '),
        "{harmless:?}"
    );
    println!("harmless one-byte edits (white space for white space): {harmless:?}");
}

// ---------------------------------------------------------------------------------------------
// Files from elsewhere.

/// A file as `safetensors.torch.save_file` writes it (the same Rust library underneath).
fn foreign_file(metadata: Option<HashMap<String, String>>) -> Vec<u8> {
    let tensors = run_tensors();
    let data: Vec<(String, Vec<u8>, Vec<usize>)> = tensors
        .iter()
        .map(|(n, a)| {
            let bytes = a.iter().flat_map(|v| v.to_le_bytes()).collect();
            (n.clone(), bytes, a.shape().to_vec())
        })
        .collect();
    let views: Vec<(&str, safetensors::tensor::TensorView)> = data
        .iter()
        .map(|(n, bytes, shape)| {
            let view =
                safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), bytes)
                    .unwrap();
            (n.as_str(), view)
        })
        .collect();
    safetensors::serialize(views, &metadata).unwrap()
}

#[test]
fn files_written_by_pytorch_load_unchecked() {
    let dir = Scratch::new("pytorch");
    let path = dir.0.join("torch.safetensors");
    let with_metadata = HashMap::from([
        ("format".to_string(), "pt".to_string()),
        ("written_by".to_string(), "pytorch".to_string()),
    ]);
    for metadata in [None, Some(HashMap::new()), Some(with_metadata)] {
        std::fs::write(&path, foreign_file(metadata.clone())).unwrap();
        let (tensors, meta) = nn::load_tensors(&path).unwrap();
        assert_eq!(bits(&tensors), bits(&run_tensors()));
        let expected: BTreeMap<_, _> = metadata.unwrap_or_default().into_iter().collect();
        assert_eq!(meta, expected);
    }
}

#[test]
fn files_of_the_previous_version_load_with_their_tensors_checked() {
    // The previous version wrote `tensors_sha256` alone: the SHA-256 of the data section.
    let dir = Scratch::new("previous");
    let path = dir.0.join("v1.safetensors");
    let unsigned = foreign_file(None);
    let data_hex = sha256_hex(&unsigned[data_start(&unsigned)..]);
    let metadata = HashMap::from([
        (nn::TENSORS_SHA256.to_string(), data_hex),
        ("epoch".to_string(), "3".to_string()),
    ]);
    let mut bytes = foreign_file(Some(metadata));
    std::fs::write(&path, &bytes).unwrap();
    let (tensors, meta) = nn::load_tensors(&path).unwrap();
    assert_eq!(bits(&tensors), bits(&run_tensors()));
    assert_eq!(meta, BTreeMap::from([("epoch".into(), "3".into())]));

    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let err = refused(&path, &bytes);
    assert!(matches!(err, CheckpointError::Checksum { .. }), "{err:?}");
}

#[test]
fn the_checksums_keys_cannot_be_passed_in_as_metadata() {
    let dir = Scratch::new("reserved");
    for key in [nn::FORMAT_KEY, nn::HEADER_SHA256, nn::TENSORS_SHA256] {
        let meta = BTreeMap::from([(key.to_string(), "x".to_string())]);
        let path = dir.0.join("r.safetensors");
        let err = nn::save_tensors(&path, &run_tensors(), meta).unwrap_err();
        assert!(matches!(err, CheckpointError::Format { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains(&format!("metadata key `{key}` is reserved")),
            "{err}"
        );
        assert!(!path.exists());
    }
}

// ---------------------------------------------------------------------------------------------
// Weights that are not numbers.

#[test]
fn nan_and_infinite_weights_are_refused_naming_the_tensor_and_file() {
    use nn::Module;
    use rand::SeedableRng;
    let dir = Scratch::new("non-finite");
    let path = dir.0.join("w.safetensors");
    let model = |seed| {
        nn::mlp(
            &[3, 4, 2],
            nn::Activation::Relu,
            0.0,
            nn::Init::Pytorch,
            &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed),
        )
    };
    let source = model(1);
    let cases = [
        ("0.weight", vec![1, 2], f32::NAN, "NaN"),
        ("0.bias", vec![3], f32::INFINITY, "inf"),
        ("2.weight", vec![0, 0], f32::NEG_INFINITY, "-inf"),
    ];
    for (name, index, bad, shown) in cases {
        let mut tensors = nn::parameter_tensors(&source.parameters());
        let tensor = &mut tensors.iter_mut().find(|(n, _)| n == name).unwrap().1;
        tensor[index.as_slice()] = bad;
        nn::save_tensors(&path, &tensors, BTreeMap::new()).unwrap();
        // The file is intact (its checksums match) and holds the value as saved…
        let (loaded, _) = nn::load_tensors(&path).unwrap();
        let stored = loaded.iter().find(|(n, _)| n == name).unwrap().1[index.as_slice()];
        assert_eq!(stored.to_bits(), bad.to_bits());
        // …but it is no model.
        let target = model(2);
        let before = nn::parameter_tensors(&target.parameters());
        let err = nn::load_weights(&path, &target.parameters()).unwrap_err();
        match &err {
            CheckpointError::NonFinite {
                path: p,
                name: n,
                index: i,
                value,
            } => {
                assert_eq!((p, n.as_str(), i), (&path, name, &index));
                assert_eq!(value.to_bits(), bad.to_bits());
            }
            other => panic!("{name}: {other:?}"),
        }
        let message = err.to_string();
        for part in [
            path.display().to_string(),
            format!("parameter `{name}` holds {shown} at index {index:?}"),
        ] {
            assert!(message.contains(&part), "{message}");
        }
        // No parameter was changed, not even those that were fine.
        assert_eq!(nn::parameter_tensors(&target.parameters()), before);
        // The same through load_parameters, which a training checkpoint uses.
        let err = nn::load_parameters(&path, &target.parameters(), loaded).unwrap_err();
        assert!(matches!(err, CheckpointError::NonFinite { .. }), "{err:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Paths that are not files.

#[test]
fn a_directory_is_refused_and_a_link_to_a_file_is_followed() {
    let dir = Scratch::new("not-a-file");
    let err = nn::load_tensors(&dir.0).unwrap_err();
    assert!(
        matches!(err, CheckpointError::NotAFile { kind, .. } if kind == "a directory"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains(&format!("{}: is a directory", dir.0.display())));
    #[cfg(unix)]
    {
        let target = dir.0.join("run.safetensors");
        save_run(&target);
        let link = dir.0.join("link.safetensors");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (tensors, meta) = nn::load_tensors(&link).unwrap();
        assert_eq!(
            (bits(&tensors), meta),
            (bits(&run_tensors()), run_metadata())
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once() {
    use std::os::unix::ffi::OsStrExt;
    use std::sync::mpsc;
    use std::time::Duration;
    let dir = Scratch::new("fifo");
    let fifo = dir.0.join("checkpoint.safetensors");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    // Nobody writes to it: reading it would wait forever, so the load runs in a thread and
    // the test waits a bounded time.
    let (send, receive) = mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let _ = send.send(nn::load_tensors(&path).map(|_| ()));
    });
    let result = receive
        .recv_timeout(Duration::from_secs(5))
        .expect("load_tensors on a FIFO did not return within 5 s");
    let err = result.unwrap_err();
    assert!(
        matches!(err, CheckpointError::NotAFile { kind, .. } if kind == "a FIFO (named pipe)"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("{}: is a FIFO", fifo.display())),
        "{message}"
    );
}
