//! Saving and loading weights as [safetensors](https://github.com/huggingface/safetensors),
//! under PyTorch's `state_dict` names, so a file moves between this crate and
//! `torch.nn.Module.load_state_dict` / `safetensors.torch.save_file` unchanged.
//!
//! A safetensors file is an 8-byte little-endian header length, a JSON header (each tensor's
//! dtype, shape and byte range, plus an optional `__metadata__` map of strings), then the raw
//! little-endian data. Only `F32` tensors are read or written here.
//!
//! **Saving is atomic**, by [`atomic_file::write`]: the bytes go to a temporary file
//! `.<name>.tmp-<pid>` in the target's directory, which is synced and renamed over the target,
//! and the directory is synced. A crash at any point leaves either the old file or the new one,
//! never a half-written one.
//!
//! **The tensors carry a checksum**: [`save_tensors`] stores the SHA-256 of the data section
//! (every tensor's bytes) in the metadata under [`TENSORS_SHA256`], where PyTorch and the
//! `safetensors` library ignore it, and [`load_tensors`] refuses a file whose bytes no longer
//! match, so a damaged checkpoint is never trained on. Files without the key (written by
//! PyTorch) load unchecked.
//!
//! A training checkpoint is the model's tensors ([`parameter_tensors`]) plus whatever else the
//! loop keeps (an optimizer's buffers, under a prefix) in one file, with string metadata; on
//! resume the other parts take their tensors out and [`load_parameters`] checks the rest
//! strictly against the model.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use autograd::{ArrayD, IxDyn, Parameters};
use safetensors::{Dtype, SafeTensorError, SafeTensors, View};
use sha2::{Digest, Sha256};

/// Metadata key of the SHA-256 (lower-case hex) of a file's data section: the bytes of all its
/// tensors, after the header.
pub const TENSORS_SHA256: &str = "tensors_sha256";

/// A parameter whose shape in the file differs from the model's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeMismatch {
    /// Parameter name, e.g. `"2.weight"`.
    pub name: String,
    /// Shape in the model.
    pub expected: Vec<usize>,
    /// Shape in the file.
    pub found: Vec<usize>,
}

/// Why a checkpoint could not be saved or loaded; every variant names the file.
#[derive(Debug)]
pub enum CheckpointError {
    /// The operating system refused a file operation.
    Io {
        /// The file (or directory) involved.
        path: PathBuf,
        /// What was being done, e.g. `"read"`, `"rename the temporary file over"`.
        action: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// The file is not a valid safetensors file (truncated, corrupt header, …), or the
    /// tensors given to save cannot form one (duplicate names).
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A tensor is stored with a dtype other than `F32`.
    Dtype {
        /// The file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// Its dtype as safetensors names it (`"F16"`, `"I64"`, …).
        dtype: String,
    },
    /// The tensors' bytes are not the ones saved: their SHA-256 differs from the one in the
    /// metadata ([`TENSORS_SHA256`]).
    Checksum {
        /// The file.
        path: PathBuf,
        /// The SHA-256 recorded when the file was saved.
        expected: String,
        /// The SHA-256 of the bytes now in the file.
        found: String,
    },
    /// The file's names or shapes do not match the model's parameters.
    Mismatch {
        /// The file.
        path: PathBuf,
        /// Parameters present in both with different shapes.
        shapes: Vec<ShapeMismatch>,
        /// Model parameters absent from the file.
        missing: Vec<String>,
        /// Tensors in the file that the model does not have.
        unexpected: Vec<String>,
    },
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Io {
                path,
                action,
                source,
            } => {
                write!(
                    f,
                    "checkpoint {}: cannot {action}: {source}",
                    path.display()
                )
            }
            CheckpointError::Format { path, message } => {
                write!(f, "checkpoint {}: {message}", path.display())
            }
            CheckpointError::Checksum {
                path,
                expected,
                found,
            } => write!(
                f,
                "checkpoint {}: the tensor data is damaged: its SHA-256 is {found}, the file \
                 recorded {expected} when it was saved",
                path.display()
            ),
            CheckpointError::Dtype { path, name, dtype } => write!(
                f,
                "checkpoint {}: tensor `{name}` has dtype {dtype}, only F32 is supported",
                path.display()
            ),
            CheckpointError::Mismatch {
                path,
                shapes,
                missing,
                unexpected,
            } => {
                write!(f, "checkpoint {} does not match the model:", path.display())?;
                for s in shapes {
                    write!(
                        f,
                        " parameter `{}` has shape {:?} in the model but {:?} in the file;",
                        s.name, s.expected, s.found
                    )?;
                }
                if !missing.is_empty() {
                    write!(f, " missing from the file: {};", missing.join(", "))?;
                }
                if !unexpected.is_empty() {
                    write!(f, " unexpected in the file: {};", unexpected.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CheckpointError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CheckpointError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// An `io::Error` → [`CheckpointError::Io`] converter for `map_err`.
fn io_error(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> CheckpointError {
    let path = path.to_path_buf();
    move |source| CheckpointError::Io {
        path,
        action,
        source,
    }
}

/// A failed step of the atomic write, as [`CheckpointError::Io`].
impl From<atomic_file::WriteError> for CheckpointError {
    fn from(e: atomic_file::WriteError) -> Self {
        CheckpointError::Io {
            path: e.path,
            action: e.action,
            source: e.source,
        }
    }
}

/// One tensor, already as little-endian bytes, in the form `safetensors::serialize` takes.
struct F32Bytes {
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for &F32Bytes {
    fn dtype(&self) -> Dtype {
        Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Writes named `f32` arrays and string metadata to a safetensors file, atomically (see the
/// module docs). The file stores tensors sorted by name, as safetensors always does.
///
/// # Errors
/// [`CheckpointError::Io`] if the temporary file cannot be written, synced or renamed (the
/// target is then untouched and the temporary file removed); [`CheckpointError::Format`] for
/// a duplicate name.
///
/// ```
/// use std::collections::BTreeMap;
/// use autograd::{ArrayD, IxDyn};
/// let path = std::env::temp_dir().join(format!("nn-doc-{}.safetensors", std::process::id()));
/// let w = ArrayD::from_shape_vec(IxDyn(&[2]), vec![1.0f32, -2.0]).unwrap();
/// let meta = BTreeMap::from([("epoch".to_string(), "3".to_string())]);
/// nn::save_tensors(&path, &[("w".to_string(), w.clone())], meta.clone()).unwrap();
/// let (tensors, loaded_meta) = nn::load_tensors(&path).unwrap();
/// assert_eq!(tensors, vec![("w".to_string(), w)]);
/// assert_eq!(loaded_meta, meta);
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_tensors(
    path: impl AsRef<Path>,
    tensors: &[(String, ArrayD<f32>)],
    metadata: BTreeMap<String, String>,
) -> Result<(), CheckpointError> {
    let path = path.as_ref();
    let views: Vec<(&str, F32Bytes)> = tensors
        .iter()
        .map(|(name, a)| {
            let bytes = a.iter().flat_map(|v| v.to_le_bytes()).collect();
            (
                name.as_str(),
                F32Bytes {
                    shape: a.shape().to_vec(),
                    bytes,
                },
            )
        })
        .collect();
    let mut names: Vec<&str> = views.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    if let Some(dup) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(CheckpointError::Format {
            path: path.to_path_buf(),
            message: format!("tensor name `{}` given twice", dup[0]),
        });
    }
    let serialize = |metadata: &HashMap<String, String>| {
        safetensors::serialize(views.iter().map(|(n, v)| (*n, v)), &Some(metadata.clone())).map_err(
            |e| CheckpointError::Format {
                path: path.to_path_buf(),
                message: format!("cannot serialize: {}", describe(&e)),
            },
        )
    };
    // The checksum lives in the header, which precedes the data it covers: serialize once to
    // lay the data out, then again with its hash (the data section does not change).
    let mut metadata: HashMap<String, String> = metadata.into_iter().collect();
    metadata.remove(TENSORS_SHA256);
    let unsigned = serialize(&metadata)?;
    let digest = data_sha256(&unsigned).expect("safetensors wrote its own header length");
    metadata.insert(TENSORS_SHA256.to_string(), digest);
    let bytes = serialize(&metadata)?;
    Ok(atomic_file::write(path, &bytes)?)
}

/// SHA-256 of a safetensors file's data section, or `None` if the header length does not fit
/// in `bytes`.
fn data_sha256(bytes: &[u8]) -> Option<String> {
    let length: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
    let start = usize::try_from(u64::from_le_bytes(length))
        .ok()?
        .checked_add(8)?;
    let digest = Sha256::digest(bytes.get(start..)?);
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads every tensor and the string metadata of a safetensors file, in file order, after
/// checking the tensors' checksum if the file has one (see the module docs; the returned
/// metadata leaves the checksum out).
///
/// Shape `[]` (a scalar) and zero-sized tensors are read as such.
///
/// # Errors
/// [`CheckpointError::Io`] if the file cannot be read; [`CheckpointError::Format`] for a
/// truncated or corrupt file; [`CheckpointError::Checksum`] if the tensors' bytes changed
/// since they were saved; [`CheckpointError::Dtype`] for a tensor that is not `F32`.
#[allow(clippy::type_complexity)] // names and metadata, spelled out rather than aliased
pub fn load_tensors(
    path: impl AsRef<Path>,
) -> Result<(Vec<(String, ArrayD<f32>)>, BTreeMap<String, String>), CheckpointError> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(io_error(path, "read"))?;
    let format = |e: SafeTensorError| CheckpointError::Format {
        path: path.to_path_buf(),
        message: describe(&e),
    };
    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(format)?;
    let file = SafeTensors::deserialize(&bytes).map_err(format)?;
    let mut metadata: BTreeMap<String, String> = header
        .metadata()
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    if let Some(expected) = metadata.remove(TENSORS_SHA256) {
        let found = data_sha256(&bytes).expect("safetensors checked the header length");
        if found != expected {
            return Err(CheckpointError::Checksum {
                path: path.to_path_buf(),
                expected,
                found,
            });
        }
    }

    let mut views = file.tensors();
    views.sort_by_key(|(name, _)| header.info(name).map(|i| i.data_offsets));
    let mut tensors = Vec::with_capacity(views.len());
    for (name, view) in views {
        if view.dtype() != Dtype::F32 {
            return Err(CheckpointError::Dtype {
                path: path.to_path_buf(),
                name,
                dtype: format!("{:?}", view.dtype()),
            });
        }
        // `chunks_exact` copies byte by byte: the data need not be 4-byte aligned in the buffer.
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let array = ArrayD::from_shape_vec(IxDyn(view.shape()), values)
            .expect("safetensors checked that shape × 4 bytes equals the data length");
        tensors.push((name, array));
    }
    Ok((tensors, metadata))
}

/// A sentence for each way the safetensors parser rejects a file.
fn describe(e: &SafeTensorError) -> String {
    match e {
        SafeTensorError::HeaderTooSmall => {
            "not a safetensors file: shorter than its 8-byte header length".into()
        }
        SafeTensorError::HeaderTooLarge => {
            "not a safetensors file: the header length is implausibly large".into()
        }
        SafeTensorError::InvalidHeaderLength => {
            "truncated or not a safetensors file: the header length exceeds the file size".into()
        }
        SafeTensorError::InvalidHeader | SafeTensorError::InvalidHeaderStart => {
            "not a safetensors file: the header is not UTF-8 JSON".into()
        }
        SafeTensorError::InvalidHeaderDeserialization => {
            "corrupt header: not the JSON safetensors expects".into()
        }
        SafeTensorError::MetadataIncompleteBuffer => {
            "truncated or corrupt: the tensor data does not end where the file does".into()
        }
        SafeTensorError::InvalidOffset(name) => format!(
            "corrupt header: the byte range of tensor `{name}` does not start where the previous \
             tensor ends"
        ),
        SafeTensorError::TensorInvalidInfo => {
            "corrupt header: a tensor's shape and dtype do not fit its byte range".into()
        }
        SafeTensorError::ValidationOverflow => {
            "corrupt header: a tensor's shape or byte range overflows".into()
        }
        SafeTensorError::TensorNotFound(name) => format!("no tensor `{name}`"),
        SafeTensorError::InvalidTensorView(dtype, shape, len) => {
            format!("a tensor of dtype {dtype:?} and shape {shape:?} cannot hold {len} bytes")
        }
        SafeTensorError::IoError(e) => format!("I/O error: {e}"),
        SafeTensorError::JsonError(e) => format!("corrupt header: {e}"),
    }
}

/// Saves a model's parameters under their registry names (PyTorch's `state_dict` keys).
///
/// # Errors
/// As [`save_tensors`].
pub fn save_weights(path: impl AsRef<Path>, params: &Parameters) -> Result<(), CheckpointError> {
    save_weights_with_metadata(path, params, BTreeMap::new())
}

/// [`save_weights`] plus string metadata (epoch, accuracy, command line, …).
///
/// # Errors
/// As [`save_tensors`].
pub fn save_weights_with_metadata(
    path: impl AsRef<Path>,
    params: &Parameters,
    metadata: BTreeMap<String, String>,
) -> Result<(), CheckpointError> {
    save_tensors(path, &parameter_tensors(params), metadata)
}

/// A copy of every parameter's value under its registry name (PyTorch's `state_dict` keys),
/// in registry order: what [`save_weights`] writes, for a checkpoint that holds more.
pub fn parameter_tensors(params: &Parameters) -> Vec<(String, ArrayD<f32>)> {
    params
        .iter()
        .map(|p| (p.name.clone(), p.tensor.value().clone()))
        .collect()
}

/// Loads a file's tensors into a model's parameters, matched by name, and returns the file's
/// metadata. Like `load_state_dict(strict=True)`: every parameter must be in the file with its
/// shape, and the file must hold nothing else; otherwise no parameter is changed.
///
/// # Errors
/// [`CheckpointError::Mismatch`] listing each parameter with a different shape (model's and
/// file's), each missing name and each unexpected one; otherwise as [`load_tensors`].
///
/// ```
/// use nn::{mlp, Activation, Init, Module};
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let path = std::env::temp_dir().join(format!("nn-doc-weights-{}.safetensors", std::process::id()));
/// let a = mlp(&[4, 3, 2], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
/// let b = mlp(&[4, 3, 2], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
/// nn::save_weights(&path, &a.parameters()).unwrap();
/// nn::load_weights(&path, &b.parameters()).unwrap();
/// assert_eq!(a.parameters().get("2.weight").unwrap().to_vec(), b.parameters().get("2.weight").unwrap().to_vec());
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn load_weights(
    path: impl AsRef<Path>,
    params: &Parameters,
) -> Result<BTreeMap<String, String>, CheckpointError> {
    let path = path.as_ref();
    let (tensors, metadata) = load_tensors(path)?;
    load_parameters(path, params, tensors)?;
    Ok(metadata)
}

/// Sets a model's parameters from tensors read from `path` (named in errors), matched by
/// name, as strictly as [`load_weights`]: every parameter must be there with its shape, and
/// nothing else may be; otherwise no parameter is changed. For a checkpoint that holds more
/// than the model, take the other parts' tensors out of the list first.
///
/// # Errors
/// [`CheckpointError::Mismatch`] listing each parameter with a different shape (model's and
/// file's), each missing name and each unexpected one.
///
/// ```
/// use nn::{mlp, Activation, Init, Module};
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let model = mlp(&[4, 3, 2], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
/// let path = std::env::temp_dir().join(format!("nn-doc-params-{}.safetensors", std::process::id()));
/// let mut tensors = nn::parameter_tensors(&model.parameters());
/// let step = autograd::ArrayD::zeros(autograd::IxDyn(&[1]));
/// tensors.push(("loop.step".to_string(), step)); // a part of the checkpoint that is not the model
/// nn::save_tensors(&path, &tensors, Default::default()).unwrap();
///
/// let (mut tensors, _) = nn::load_tensors(&path).unwrap();
/// assert!(nn::load_parameters(&path, &model.parameters(), tensors.clone()).is_err()); // strict
/// tensors.retain(|(name, _)| !name.starts_with("loop."));
/// nn::load_parameters(&path, &model.parameters(), tensors).unwrap();
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn load_parameters(
    path: impl AsRef<Path>,
    params: &Parameters,
    tensors: Vec<(String, ArrayD<f32>)>,
) -> Result<(), CheckpointError> {
    let mut in_file: HashMap<String, ArrayD<f32>> = tensors.into_iter().collect();

    let (mut shapes, mut missing, mut found) = (Vec::new(), Vec::new(), Vec::new());
    for p in params {
        match in_file.remove(&p.name) {
            None => missing.push(p.name.clone()),
            Some(a) if a.shape() != p.tensor.value().shape() => shapes.push(ShapeMismatch {
                name: p.name.clone(),
                expected: p.tensor.shape(),
                found: a.shape().to_vec(),
            }),
            Some(a) => found.push((&p.tensor, a)),
        }
    }
    let mut unexpected: Vec<String> = in_file.into_keys().collect();
    unexpected.sort();
    if !(shapes.is_empty() && missing.is_empty() && unexpected.is_empty()) {
        return Err(CheckpointError::Mismatch {
            path: path.as_ref().to_path_buf(),
            shapes,
            missing,
            unexpected,
        });
    }
    for (tensor, value) in found {
        tensor.set_value(value);
    }
    Ok(())
}
