//! Whether a network fits in this machine's memory, checked before anything is allocated, so
//! that `--hidden 100000,100000` is refused in one line instead of ending in an abort.

use super::config::ModelConfig;
use super::model::EVAL_BATCH;

impl ModelConfig {
    /// Checks that the network, and `batch` rows through it (at least an evaluation batch),
    /// fit in this machine's memory.
    ///
    /// # Errors
    /// A one-line message naming `--hidden` (or `--batch-size` when the network alone fits),
    /// the network and the memory it needs, when that is more than the machine has or more
    /// than any machine can address.
    pub fn check_fits(&self, input: usize, classes: usize, batch: usize) -> Result<(), String> {
        let sizes = self.sizes(input, classes);
        let network: Vec<String> = sizes.iter().map(usize::to_string).collect();
        let network = network.join("-");
        let hidden: Vec<String> = self.hidden.iter().map(usize::to_string).collect();
        let rows = batch.max(EVAL_BATCH);
        let available = physical_memory();
        let too_much = |needs: Option<u64>| match (needs, available) {
            (None, _) => Some("more than any machine can address".to_string()),
            (Some(n), Some(have)) if n > have => Some(format!(
                "about {}, more than this machine's {} of memory",
                bytes(n),
                bytes(have)
            )),
            _ => None,
        };
        if let Some(what) = too_much(memory_needed(&sizes, 0)) {
            return Err(format!(
                "--hidden {}: a {network} network with its gradients and optimizer state needs {what}",
                hidden.join(","),
            ));
        }
        if let Some(what) = too_much(memory_needed(&sizes, rows)) {
            return Err(format!(
                "--batch-size {batch}: {rows} rows through the {network} network need {what}"
            ));
        }
        Ok(())
    }
}

/// Bytes for a network of `sizes`: its weights and biases four times over (values, gradients,
/// two optimizer buffers) and four `f32` per unit of each layer for `batch` rows (values,
/// gradients, the activation's and dropout's outputs); `None` if that overflows.
fn memory_needed(sizes: &[usize], batch: usize) -> Option<u64> {
    let mut floats: u64 = 0;
    for pair in sizes.windows(2) {
        let (a, b) = (pair[0] as u64, pair[1] as u64);
        let params = a.checked_add(1)?.checked_mul(b)?;
        floats = floats.checked_add(params.checked_mul(4)?)?;
    }
    for &width in sizes {
        floats = floats.checked_add((width as u64).checked_mul(batch as u64)?.checked_mul(4)?)?;
    }
    floats.checked_mul(4)
}

/// The machine's physical memory in bytes, where the system says.
fn physical_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: `sysconf` only reads system configuration values.
        let (pages, page) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        if pages > 0 && page > 0 {
            return (pages as u64).checked_mul(page as u64);
        }
    }
    None
}

/// `1.5 GiB`, `3.0 PiB`: a byte count for a message.
fn bytes(n: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
