//! How freed memory goes back to the allocator.
//!
//! Every training step allocates its activations and gradients afresh and frees them at the
//! end, the same sizes step after step. glibc's `malloc` hands large freed blocks back to the
//! operating system (`munmap`, or shrinking the heap with `brk`) and the next step faults the
//! same pages in again, zeroed by the kernel. Raising its thresholds keeps freed memory in the
//! process for the next step instead; peak memory does not change, since the next step needs
//! the same amount.

use std::sync::Once;

/// Asks `malloc` (glibc on Linux only; elsewhere nothing) to keep freed blocks for reuse. Runs
/// once per process; `AUTOGRAD_KEEP_MEMORY=0` turns it off.
pub(crate) fn keep_freed_memory() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var("AUTOGRAD_KEEP_MEMORY").is_ok_and(|v| v.trim() == "0") {
            return;
        }
        tune();
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune() {
    // Blocks up to 32 MiB (glibc's largest setting on 64-bit) come from the heap rather than
    // from their own mappings, and the heap is trimmed only past 256 MiB of free space at its
    // top.
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    const TRIM_THRESHOLD: libc::c_int = 256 << 20;
    // SAFETY: `mallopt` only changes malloc's parameters; any thread may call it at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune() {}
