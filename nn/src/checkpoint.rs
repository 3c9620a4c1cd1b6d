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
//! **Every byte that a loader returns is under a checksum.** [`save_tensors`] adds three
//! entries to the metadata, where PyTorch and the `safetensors` library ignore them:
//!
//! | key | value |
//! |---|---|
//! | [`FORMAT_KEY`] (`gradwise.format`) | [`FORMAT_VERSION`] (`gradwise-nn/2`): "written here" |
//! | [`TENSORS_SHA256`] (`tensors_sha256`) | SHA-256 of the data section: every tensor's bytes |
//! | [`HEADER_SHA256`] (`gradwise.header_sha256`) | SHA-256 of the header as parsed: every other metadata key and value (the two above included) and every tensor's name, dtype, shape and byte range |
//!
//! The header's checksum is taken over what the JSON *says*, in a fixed length-prefixed form,
//! not over its text: a change that the JSON parser reads back as the same values (white
//! space) changes nothing that is loaded, and any other change to the header is caught. The
//! data's checksum is one of the values it covers, so the two together cover the whole file.
//!
//! [`load_tensors`] decides by the keys:
//! - none of the three: a file from elsewhere (PyTorch's `save_file`), loaded unchecked;
//! - [`FORMAT_KEY`] or [`HEADER_SHA256`]: a file of ours, which must have all three, name a
//!   version this code reads, and match both checksums, or it is refused
//!   ([`CheckpointError::MissingChecksum`], [`CheckpointError::HeaderChecksum`],
//!   [`CheckpointError::Checksum`]). A damaged or renamed key cannot make such a file pass
//!   for one from elsewhere or of the previous version: [`FORMAT_KEY`] and [`HEADER_SHA256`]
//!   would both have to go. So a one-byte change anywhere in a file saved here is refused,
//!   or is one the parser reads back as the same values (white space in the header);
//! - [`TENSORS_SHA256`] alone: a file of the previous version, whose tensors are checked but
//!   whose metadata was never covered. It is read rather than refused, since refusing it
//!   would leave this crate no way to load it and save it again with the full checksum.
//!
//! A training checkpoint is the model's tensors ([`parameter_tensors`]) plus whatever else the
//! loop keeps (an optimizer's buffers, under a prefix) in one file, with string metadata; on
//! resume the other parts take their tensors out and [`load_parameters`] checks the rest
//! strictly against the model, and refuses a weight that is NaN or infinite.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use autograd::ndarray::Dimension;
use autograd::{ArrayD, IxDyn, Parameters};
use safetensors::tensor::{Metadata, TensorInfo};
use safetensors::{Dtype, SafeTensorError, SafeTensors, View};
use sha2::{Digest, Sha256};

/// Metadata key of the SHA-256 (lower-case hex) of a file's data section: the bytes of all its
/// tensors, after the header. The previous version of this crate wrote this key alone.
pub const TENSORS_SHA256: &str = "tensors_sha256";

/// Metadata key that marks a file as written by this crate; its value is [`FORMAT_VERSION`].
pub const FORMAT_KEY: &str = "gradwise.format";

/// The value of [`FORMAT_KEY`]: the version of the checksum scheme described in the module
/// docs (version 1 was [`TENSORS_SHA256`] alone).
pub const FORMAT_VERSION: &str = "gradwise-nn/2";

/// Metadata key of the SHA-256 (lower-case hex) of the header as parsed: every metadata entry
/// but this one, and every tensor's name, dtype, shape and byte range (see the module docs).
pub const HEADER_SHA256: &str = "gradwise.header_sha256";

/// The metadata keys [`save_tensors`] writes itself, which a caller may not pass.
const RESERVED: [&str; 3] = [FORMAT_KEY, HEADER_SHA256, TENSORS_SHA256];

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
    /// The path is not a regular file (a directory, a FIFO, a device, …); it is refused before
    /// it is opened, since reading a FIFO would wait for a writer forever. A symbolic link to
    /// a regular file is followed.
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is instead, e.g. `"a FIFO (named pipe)"`, `"a directory"`.
        kind: &'static str,
    },
    /// The file says it was written here (it has [`FORMAT_KEY`] or [`HEADER_SHA256`]) but lacks
    /// another key that every such file has: it was edited or damaged, and loading it
    /// unchecked would defeat the checksums.
    MissingChecksum {
        /// The file.
        path: PathBuf,
        /// A key of ours that the metadata has.
        present: &'static str,
        /// The key it lacks.
        missing: &'static str,
    },
    /// The header is not the one saved: the SHA-256 of its metadata and tensor names, dtypes,
    /// shapes and byte ranges differs from the one in the metadata ([`HEADER_SHA256`]).
    HeaderChecksum {
        /// The file.
        path: PathBuf,
        /// The SHA-256 recorded when the file was saved.
        expected: String,
        /// The SHA-256 of the header now in the file.
        found: String,
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
    /// A tensor loaded into a model holds NaN or ±infinity, which no training step recovers
    /// from.
    NonFinite {
        /// The file.
        path: PathBuf,
        /// The parameter's name, e.g. `"0.weight"`.
        name: String,
        /// The index of its first non-finite value, one number per axis.
        index: Vec<usize>,
        /// That value.
        value: f32,
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
            CheckpointError::NotAFile { path, kind } => write!(
                f,
                "checkpoint {}: is {kind}, not a regular file",
                path.display()
            ),
            CheckpointError::MissingChecksum {
                path,
                present,
                missing,
            } => write!(
                f,
                "checkpoint {}: its metadata has `{present}` but no `{missing}`; every file \
                 saved here has both, so this one was edited or damaged, and it is not loaded \
                 unchecked",
                path.display()
            ),
            CheckpointError::HeaderChecksum {
                path,
                expected,
                found,
            } => write!(
                f,
                "checkpoint {}: the header (metadata, tensor names, dtypes or shapes) was \
                 edited or damaged: its SHA-256 is {found}, the file recorded {expected} when \
                 it was saved",
                path.display()
            ),
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
            CheckpointError::NonFinite {
                path,
                name,
                index,
                value,
            } => write!(
                f,
                "checkpoint {}: parameter `{name}` holds {value} at index {index:?} (its first \
                 value that is not a finite number); a model cannot be trained from it",
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

/// Writes named `f32` arrays and string metadata to a safetensors file, atomically, with the
/// marker and the two checksums described in the module docs. The file stores tensors sorted
/// by name, as safetensors always does.
///
/// # Errors
/// [`CheckpointError::Io`] if the temporary file cannot be written, synced or renamed (the
/// target is then untouched and the temporary file removed); [`CheckpointError::Format`] for
/// a duplicate name, or a metadata key that this function writes itself ([`FORMAT_KEY`],
/// [`HEADER_SHA256`], [`TENSORS_SHA256`]).
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
/// assert_eq!(loaded_meta, meta); // the marker and checksums are not returned
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_tensors(
    path: impl AsRef<Path>,
    tensors: &[(String, ArrayD<f32>)],
    metadata: BTreeMap<String, String>,
) -> Result<(), CheckpointError> {
    let path = path.as_ref();
    let format_error = |message: String| CheckpointError::Format {
        path: path.to_path_buf(),
        message,
    };
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
        return Err(format_error(format!(
            "tensor name `{}` given twice",
            dup[0]
        )));
    }
    if let Some(key) = RESERVED.iter().find(|key| metadata.contains_key(**key)) {
        return Err(format_error(format!(
            "metadata key `{key}` is reserved: save_tensors writes it itself"
        )));
    }
    let serialize = |metadata: &BTreeMap<String, String>| {
        let metadata: HashMap<String, String> = metadata.clone().into_iter().collect();
        safetensors::serialize(views.iter().map(|(n, v)| (*n, v)), &Some(metadata))
            .map_err(|e| format_error(format!("cannot serialize: {}", describe(&e))))
    };
    // The checksums live in the header, which precedes what they cover: serialize once to lay
    // the tensors out, hash that, then serialize again with the hashes. The layout (each
    // tensor's byte range, the data section) does not depend on the metadata.
    let mut metadata = metadata;
    metadata.insert(FORMAT_KEY.into(), FORMAT_VERSION.into());
    let unsigned = serialize(&metadata)?;
    let (length, header) = SafeTensors::read_metadata(&unsigned)
        .map_err(|e| format_error(format!("cannot read back: {}", describe(&e))))?;
    metadata.insert(TENSORS_SHA256.into(), sha256_hex(&unsigned[8 + length..]));
    metadata.insert(HEADER_SHA256.into(), header_sha256(&metadata, &header));
    let bytes = serialize(&metadata)?;
    debug_assert!(
        {
            let (length, header) = SafeTensors::read_metadata(&bytes).expect("just serialized");
            verify(path, &metadata, &header, &bytes[8 + length..]).is_ok()
        },
        "a file about to be written fails its own checksums"
    );
    Ok(atomic_file::write(path, &bytes)?)
}

/// SHA-256 of `bytes`, in lower-case hex.
fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lower-case hex, two digits each.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A header's tensors in file order: by byte range, then (for empty tensors, which share one)
/// by name.
fn tensor_infos(header: &Metadata) -> Vec<(String, &TensorInfo)> {
    let mut infos: Vec<_> = header.tensors().into_iter().collect();
    infos.sort_by(|(a, x), (b, y)| (x.data_offsets, a).cmp(&(y.data_offsets, b)));
    infos
}

/// The [`HEADER_SHA256`] of a header: SHA-256 of every metadata entry except that key's own
/// and every tensor's name, dtype, shape and byte range, each string and list preceded by its
/// length, so that no two different headers give the same bytes to hash.
fn header_sha256(metadata: &BTreeMap<String, String>, header: &Metadata) -> String {
    fn number(h: &mut Sha256, n: usize) {
        h.update((n as u64).to_le_bytes());
    }
    fn text(h: &mut Sha256, s: &str) {
        number(h, s.len());
        h.update(s.as_bytes());
    }
    let mut h = Sha256::new();
    text(&mut h, FORMAT_VERSION);
    let entries: Vec<_> = metadata
        .iter()
        .filter(|(k, _)| *k != HEADER_SHA256)
        .collect();
    number(&mut h, entries.len());
    for (key, value) in entries {
        text(&mut h, key);
        text(&mut h, value);
    }
    let tensors = tensor_infos(header);
    number(&mut h, tensors.len());
    for (name, info) in tensors {
        text(&mut h, &name);
        text(&mut h, &format!("{:?}", info.dtype)); // "F32": the name in the JSON
        number(&mut h, info.shape.len());
        for &d in &info.shape {
            number(&mut h, d);
        }
        number(&mut h, info.data_offsets.0);
        number(&mut h, info.data_offsets.1);
    }
    hex(&h.finalize())
}

/// Checks a file's marker and checksums as the module docs describe. `metadata` is all of the
/// file's metadata, `data` its data section.
fn verify(
    path: &Path,
    metadata: &BTreeMap<String, String>,
    header: &Metadata,
    data: &[u8],
) -> Result<(), CheckpointError> {
    let missing = |present, missing| CheckpointError::MissingChecksum {
        path: path.to_path_buf(),
        present,
        missing,
    };
    let check_data = |expected: &String| {
        let found = sha256_hex(data);
        if found == *expected {
            Ok(())
        } else {
            Err(CheckpointError::Checksum {
                path: path.to_path_buf(),
                expected: expected.clone(),
                found,
            })
        }
    };
    match (metadata.get(FORMAT_KEY), metadata.get(HEADER_SHA256)) {
        // Written elsewhere (no key: PyTorch), or by the previous version (`tensors_sha256`
        // only), whose tensors can still be checked. The previous version's files are read,
        // not refused with "save it again", since this crate could not then load them to save
        // them again; and a file of the current version cannot pass for one by a damaged key,
        // since it would have to lose both the marker and the header's checksum.
        (None, None) => metadata.get(TENSORS_SHA256).map_or(Ok(()), check_data),
        (Some(_), None) => Err(missing(FORMAT_KEY, HEADER_SHA256)),
        (None, Some(_)) => Err(missing(HEADER_SHA256, FORMAT_KEY)),
        (Some(version), Some(expected)) => {
            if version != FORMAT_VERSION {
                return Err(CheckpointError::Format {
                    path: path.to_path_buf(),
                    message: format!(
                        "metadata `{FORMAT_KEY}` is `{version}`, a format this version does not \
                         read (it reads `{FORMAT_VERSION}`)"
                    ),
                });
            }
            let expected_data = metadata
                .get(TENSORS_SHA256)
                .ok_or_else(|| missing(FORMAT_KEY, TENSORS_SHA256))?;
            let found = header_sha256(metadata, header);
            if found != *expected {
                return Err(CheckpointError::HeaderChecksum {
                    path: path.to_path_buf(),
                    expected: expected.clone(),
                    found,
                });
            }
            check_data(expected_data)
        }
    }
}

/// What a file type is, for [`CheckpointError::NotAFile`].
fn file_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "neither a file nor a directory"
    }
}

/// Opens a file for reading without waiting: should the path have become a FIFO since it was
/// looked at, `open` returns at once instead of waiting for a writer. Reads of a regular file
/// are unaffected.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The bytes of the regular file at `path` (a symbolic link to one is followed). Anything else
/// is refused before it is opened: reading a FIFO would wait for a writer forever, a device
/// might never end.
fn read_regular_file(path: &Path) -> Result<Vec<u8>, CheckpointError> {
    let not_a_file = |file_type: fs::FileType| CheckpointError::NotAFile {
        path: path.to_path_buf(),
        kind: file_kind(&file_type),
    };
    let file_type = fs::metadata(path)
        .map_err(io_error(path, "read"))?
        .file_type();
    if !file_type.is_file() {
        return Err(not_a_file(file_type));
    }
    let mut file = open_for_reading(path).map_err(io_error(path, "open"))?;
    // What was opened, in case the path was replaced in between.
    let opened = file.metadata().map_err(io_error(path, "read"))?;
    if !opened.is_file() {
        return Err(not_a_file(opened.file_type()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)
        .map_err(io_error(path, "read"))?;
    Ok(bytes)
}

/// Reads every tensor and the string metadata of a safetensors file, in file order, after
/// checking its marker and checksums (see the module docs; the returned metadata leaves the
/// marker and checksums out).
///
/// Shape `[]` (a scalar) and zero-sized tensors are read as such. Values are returned as
/// stored, NaN and infinities included ([`load_parameters`] refuses those for weights).
///
/// # Errors
/// [`CheckpointError::NotAFile`] for a directory, FIFO or device; [`CheckpointError::Io`] if
/// the file cannot be read; [`CheckpointError::Format`] for a truncated or corrupt file;
/// for a file written here, [`CheckpointError::MissingChecksum`] if a key of its checksums is
/// gone, [`CheckpointError::HeaderChecksum`] if its metadata, tensor names, dtypes or shapes
/// changed since it was saved and [`CheckpointError::Checksum`] if its tensors' bytes did;
/// [`CheckpointError::Dtype`] for a tensor that is not `F32`.
#[allow(clippy::type_complexity)] // names and metadata, spelled out rather than aliased
pub fn load_tensors(
    path: impl AsRef<Path>,
) -> Result<(Vec<(String, ArrayD<f32>)>, BTreeMap<String, String>), CheckpointError> {
    let path = path.as_ref();
    let bytes = read_regular_file(path)?;
    let format = |e: SafeTensorError| CheckpointError::Format {
        path: path.to_path_buf(),
        message: describe(&e),
    };
    let (length, header) = SafeTensors::read_metadata(&bytes).map_err(format)?;
    let data = &bytes[8 + length..];
    let mut metadata: BTreeMap<String, String> = header
        .metadata()
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    verify(path, &metadata, &header, data)?;
    metadata.retain(|key, _| !RESERVED.contains(&key.as_str()));

    let infos = tensor_infos(&header);
    let mut tensors = Vec::with_capacity(infos.len());
    for (name, info) in infos {
        if info.dtype != Dtype::F32 {
            return Err(CheckpointError::Dtype {
                path: path.to_path_buf(),
                name,
                dtype: format!("{:?}", info.dtype),
            });
        }
        let (start, end) = info.data_offsets;
        let bytes = data
            .get(start..end)
            .expect("safetensors checked that the byte ranges tile the data section");
        // `chunks_exact` copies byte by byte: the data need not be 4-byte aligned in the buffer.
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let array = ArrayD::from_shape_vec(IxDyn(&info.shape), values)
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
/// shape, and the file must hold nothing else; and every value must be finite; otherwise no
/// parameter is changed.
///
/// # Errors
/// As [`load_tensors`], then as [`load_parameters`]: [`CheckpointError::Mismatch`] or
/// [`CheckpointError::NonFinite`].
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
/// name, as strictly as [`load_weights`]: every parameter must be there with its shape,
/// nothing else may be, and every value must be finite (a NaN or infinite weight would only
/// make every later step NaN); otherwise no parameter is changed. For a checkpoint that holds
/// more than the model, take the other parts' tensors out of the list first.
///
/// # Errors
/// [`CheckpointError::Mismatch`] listing each parameter with a different shape (model's and
/// file's), each missing name and each unexpected one; otherwise
/// [`CheckpointError::NonFinite`] naming the first parameter (in the model's order) that holds
/// NaN or ±infinity, the index of its first such value and the value.
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
            Some(a) => found.push((&p.name, &p.tensor, a)),
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
    for (name, _, value) in &found {
        if let Some((index, &value)) = value.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(CheckpointError::NonFinite {
                path: path.as_ref().to_path_buf(),
                name: name.to_string(),
                index: index.slice().to_vec(),
                value,
            });
        }
    }
    for (_, tensor, value) in found {
        tensor.set_value(value);
    }
    Ok(())
}
