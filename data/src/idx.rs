//! Reader for IDX files, the format of MNIST: a big-endian header, then raw `u8` values.
//!
//! ```text
//! images: 00 00 08 03 | count: u32 | rows: u32 | cols: u32 | count*rows*cols pixels
//! labels: 00 00 08 01 | count: u32 |                         count labels
//! ```
//!
//! The third magic byte `08` says "unsigned byte", the fourth is the number of dimensions.
//! Files may be gzip-compressed; that is detected by the gzip magic `1f 8b`, not by the name.
//!
//! Nothing here trusts the header: the file is read first (at most [`MAX_FILE_BYTES`]), then the
//! header's claims are checked against the real length with checked arithmetic, so a corrupt
//! count can neither overflow nor make us allocate gigabytes.

use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::Path;

use flate2::read::GzDecoder;
use ndarray::Array2;

use crate::error::DataError;

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Image side in pixels: images are `ROWS × COLS`.
pub const ROWS: usize = 28;
/// See [`ROWS`].
pub const COLS: usize = 28;
/// Pixels per image, the width of an image matrix.
pub const PIXELS: usize = ROWS * COLS;
/// Number of classes; every label is below this.
pub const CLASSES: u8 = 10;
/// Largest (uncompressed) file the reader accepts: 128 MiB, well above MNIST's 47 MB.
pub const MAX_FILE_BYTES: u64 = 128 << 20;

const IMAGES_HEADER: usize = 16;
const LABELS_HEADER: usize = 8;

/// True if `bytes` starts with the gzip magic `1f 8b`.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Checks that `path` is a regular file (or a symbolic link to one), without opening it.
///
/// # Errors
/// [`DataError::NotAFile`] naming what it is instead; [`DataError::Io`] if it cannot be
/// `stat`ed (missing, a dangling link, no permission).
pub(crate) fn check_regular(path: &Path) -> Result<(), DataError> {
    let meta = fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(DataError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(meta.file_type()),
        })
    }
}

/// What a file that is not a regular file is, for [`DataError::NotAFile`].
fn kind_of(file_type: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading, refusing anything but a regular file before opening it: opening
/// a FIFO blocks until someone writes to it, a directory or a device holds no IDX data.
///
/// # Errors
/// As [`check_regular`], and [`DataError::Io`] if it cannot be opened.
pub(crate) fn open_regular(path: &Path) -> Result<File, DataError> {
    check_regular(path)?;
    File::open(path).map_err(|e| DataError::io(path, e))
}

/// Reads the whole of `path`, decompressing it if it is gzip.
///
/// # Errors
/// [`DataError::NotAFile`] unless it is a regular file, [`DataError::Io`] if it cannot be
/// read, [`DataError::Gzip`] if it looks like gzip but does not decompress,
/// [`DataError::TooLarge`] beyond [`MAX_FILE_BYTES`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
    let file = open_regular(path)?;
    let mut raw = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| DataError::io(path, e))?;
    let bytes = if is_gzip(&raw) {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|source| DataError::Gzip {
                path: path.to_path_buf(),
                source,
            })?;
        out
    } else {
        raw
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(DataError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Big-endian `u32` at `offset`; the caller has checked that the bytes exist.
fn be_u32(bytes: &[u8], offset: usize) -> u32 {
    let word: [u8; 4] = bytes[offset..offset + 4]
        .try_into()
        .expect("a 4-byte slice converts to [u8; 4]");
    u32::from_be_bytes(word)
}

/// Checks the magic and that the file is at least `header` bytes long.
fn check_header(path: &Path, bytes: &[u8], magic: u32, header: usize) -> Result<(), DataError> {
    if bytes.len() < 4 {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            expected: header as u64,
            found: bytes.len() as u64,
        });
    }
    let found = be_u32(bytes, 0);
    if found != magic {
        return Err(DataError::BadMagic {
            path: path.to_path_buf(),
            found,
            expected: magic,
        });
    }
    if bytes.len() < header {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            expected: header as u64,
            found: bytes.len() as u64,
        });
    }
    Ok(())
}

/// Checks that the file holds exactly `header + count * item` bytes.
fn check_length(
    path: &Path,
    bytes: &[u8],
    header: usize,
    count: u32,
    item: usize,
) -> Result<(), DataError> {
    // u64 cannot overflow for a u32 count times 784, but checked arithmetic says so explicitly
    // and stays correct if `item` ever comes from a header too.
    let expected = u64::from(count)
        .checked_mul(item as u64)
        .and_then(|body| body.checked_add(header as u64))
        .unwrap_or(u64::MAX);
    let found = bytes.len() as u64;
    if found < expected {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    if found > expected {
        return Err(DataError::TrailingBytes {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    Ok(())
}

/// Reads an IDX image file (raw or gzip) into an `[N, 784]` matrix of raw pixels, one image per
/// row, row-major within the image.
///
/// ```no_run
/// let pixels = data::read_images("data/cache/mnist/t10k-images-idx3-ubyte".as_ref())?;
/// assert_eq!(pixels.dim(), (10_000, 784));
/// # Ok::<(), data::DataError>(())
/// ```
///
/// # Errors
/// [`DataError::NotAFile`] for a directory, FIFO or device (refused before it is opened, so
/// never waits); [`DataError::Io`], [`DataError::Gzip`], [`DataError::TooLarge`] as for any read;
/// [`DataError::BadMagic`] unless the file starts with `00 00 08 03`;
/// [`DataError::BadDimensions`] unless images are 28 × 28;
/// [`DataError::Truncated`] / [`DataError::TrailingBytes`] unless the file is exactly as long as
/// its header says.
pub fn read_images(path: &Path) -> Result<Array2<u8>, DataError> {
    let bytes = read_file(path)?;
    check_header(path, &bytes, IMAGES_MAGIC, IMAGES_HEADER)?;
    let count = be_u32(&bytes, 4);
    let (rows, cols) = (be_u32(&bytes, 8), be_u32(&bytes, 12));
    if (rows as usize, cols as usize) != (ROWS, COLS) {
        return Err(DataError::BadDimensions {
            path: path.to_path_buf(),
            found: vec![rows, cols],
            expected: vec![ROWS as u32, COLS as u32],
        });
    }
    check_length(path, &bytes, IMAGES_HEADER, count, PIXELS)?;
    let mut pixels = bytes;
    pixels.drain(..IMAGES_HEADER);
    Ok(Array2::from_shape_vec((count as usize, PIXELS), pixels)
        .expect("length checked against count * 784 above"))
}

/// Reads an IDX label file (raw or gzip): one class index `< 10` per sample.
///
/// ```no_run
/// let labels = data::read_labels("data/cache/mnist/t10k-labels-idx1-ubyte".as_ref())?;
/// assert_eq!(labels[0], 7);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// # Errors
/// As [`read_images`], with magic `00 00 08 01`, and [`DataError::BadLabel`] for a label `>= 10`.
pub fn read_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    let bytes = read_file(path)?;
    check_header(path, &bytes, LABELS_MAGIC, LABELS_HEADER)?;
    let count = be_u32(&bytes, 4);
    check_length(path, &bytes, LABELS_HEADER, count, 1)?;
    let mut labels = bytes;
    labels.drain(..LABELS_HEADER);
    if let Some((index, &value)) = labels.iter().enumerate().find(|(_, &l)| l >= CLASSES) {
        return Err(DataError::BadLabel {
            path: path.to_path_buf(),
            index,
            value,
            classes: CLASSES,
        });
    }
    Ok(labels)
}

/// Opens `path` for streaming, decompressing if it starts with the gzip magic. Read errors
/// from a gzip stream are reported as [`DataError::Gzip`] by the caller (see `checksum.rs`).
///
/// # Errors
/// As [`open_regular`], and [`DataError::Io`] if the first bytes cannot be read.
pub(crate) fn open_stream(path: &Path) -> Result<(Box<dyn Read>, bool), DataError> {
    let mut file = open_regular(path)?;
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| DataError::io(path, e))?;
    let head = io::Cursor::new(magic[..n].to_vec());
    let whole = head.chain(file);
    if is_gzip(&magic[..n]) {
        Ok((Box::new(GzDecoder::new(whole)), true))
    } else {
        Ok((Box::new(whole), false))
    }
}

/// Like `read_exact`, but a short file is not an error: returns how many bytes were read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
