//! Two-way fork-join: run two closures at once, one on the calling thread and one on a helper
//! thread, and return when both are done. The large matrix products ([`crate::gemm`]) and the
//! optimizer steps split their work in two halves with [`join`].
//!
//! Why not `rayon::join`: a training step of W1 (batch 64) makes about six splits of 50–150 µs
//! each, with single-threaded work between them. rayon's idle worker goes to sleep after a few
//! microseconds, and waking it costs a system call and an inter-processor interrupt (tens of
//! microseconds on a virtual machine) every time; while it wakes, the caller often runs both
//! halves itself. The helper here spins for [`SPIN`] after each job before it sleeps, as OpenMP
//! runtimes do (`KMP_BLOCKTIME`), so between the products of a step it is already awake.
//! Measured on one W1-SGD epoch (`perf stat -e context-switches`, `benches` `workload`): 23,902
//! context switches and 0.67 s with `rayon::join`, 28 and 0.52 s with this, the same weights.
//!
//! Threads: `AUTOGRAD_THREADS` (1 or more; default: the cores available). With 1, or inside
//! [`one_thread`], `join` runs both closures on the calling thread, `a` first. The helper
//! thread is started on first use. Only one split runs in parallel at a time: a `join` made
//! while the helper is busy (from another thread, or nested inside a half) runs both halves on
//! its own thread, so every `join` finishes without waiting on another caller.

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::OnceLock;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// How long the helper keeps looking for work after a job before it sleeps. Longer than the
/// gaps between the products of a training step (element-wise work, the loss, the next batch:
/// well under a millisecond), short enough that an idle program stops using the core.
const SPIN: Duration = Duration::from_millis(5);

/// Runs `a` on this thread and `b` on the helper thread, and returns both results.
///
/// A panic in either closure is resumed on the calling thread once both are finished.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    match helper() {
        Some(helper) if !SERIAL.get() => helper.join(a, b),
        _ => both_here(a, b),
    }
}

/// `a` then `b` on this thread; `b` runs even if `a` panics, as it would on the helper.
fn both_here<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB,
{
    let result_a = panic::catch_unwind(AssertUnwindSafe(a));
    let result_b = b();
    (resume(result_a), result_b)
}

/// How many threads [`join`] uses on this thread: 1 or 2.
pub fn threads() -> usize {
    if SERIAL.get() || helper().is_none() {
        1
    } else {
        2
    }
}

/// Runs `f` with every [`join`] on this thread done serially: results as with
/// `AUTOGRAD_THREADS=1`, without restarting the program.
pub fn one_thread<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SERIAL.set(self.0);
        }
    }
    let _restore = Restore(SERIAL.replace(true));
    f()
}

thread_local! {
    /// Set inside [`one_thread`].
    static SERIAL: Cell<bool> = const { Cell::new(false) };
}

/// The helper thread, or `None` when only one thread is allowed.
fn helper() -> Option<&'static Helper> {
    static HELPER: OnceLock<Option<Helper>> = OnceLock::new();
    HELPER
        .get_or_init(|| (configured_threads() >= 2).then(Helper::start))
        .as_ref()
}

/// `AUTOGRAD_THREADS` if it is a whole number, else the cores available.
fn configured_threads() -> usize {
    std::env::var("AUTOGRAD_THREADS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A job's type-erased header; the job itself lives on the stack of the `join` that posted it.
struct JobHeader {
    /// Runs the job and sets `done`.
    execute: unsafe fn(*const JobHeader),
    done: AtomicBool,
}

/// The second half of a `join`: the closure, then its result. `header` comes first so that a
/// pointer to it is a pointer to the whole job.
#[repr(C)]
struct StackJob<B, RB> {
    header: JobHeader,
    closure: UnsafeCell<Option<B>>,
    result: UnsafeCell<Option<thread::Result<RB>>>,
}

impl<B: FnOnce() -> RB, RB> StackJob<B, RB> {
    /// # Safety
    /// `job` points to a live `StackJob<B, RB>` that only the caller is running.
    unsafe fn execute(job: *const JobHeader) {
        let job = unsafe { &*job.cast::<StackJob<B, RB>>() };
        let closure = unsafe { (*job.closure.get()).take() }.expect("a job runs once");
        let result = panic::catch_unwind(AssertUnwindSafe(closure));
        unsafe { *job.result.get() = Some(result) };
        // Release: the result is written before the poster sees `done`. After this store the
        // job (on the poster's stack) may be gone, so nothing touches it.
        job.header.done.store(true, Ordering::Release);
    }
}

struct Helper {
    /// The posted job, or null. Posted by a CAS from null; taken by the helper or taken back by
    /// the poster, whoever swaps it to null first.
    slot: &'static AtomicPtr<JobHeader>,
    /// Set while the helper sleeps, so that a poster knows to wake it.
    sleeping: &'static AtomicBool,
    thread: Thread,
}

impl Helper {
    fn start() -> Helper {
        let slot: &'static AtomicPtr<JobHeader> =
            Box::leak(Box::new(AtomicPtr::new(ptr::null_mut())));
        let sleeping: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
        let thread = thread::Builder::new()
            .name("autograd-helper".into())
            .spawn(move || Helper::run(slot, sleeping))
            .expect("could not start the helper thread")
            .thread()
            .clone();
        Helper {
            slot,
            sleeping,
            thread,
        }
    }

    /// The helper's loop: take a job and run it; spin for a while when there is none; then
    /// sleep until a poster wakes it.
    fn run(slot: &AtomicPtr<JobHeader>, sleeping: &AtomicBool) {
        let mut idle_since = Instant::now();
        loop {
            let job = slot.swap(ptr::null_mut(), Ordering::Acquire);
            if !job.is_null() {
                // SAFETY: a posted job stays alive until its `done` is set (the poster waits
                // for it), and swapping it out of the slot made this thread its only runner.
                unsafe { ((*job).execute)(job) };
                idle_since = Instant::now();
            } else if idle_since.elapsed() < SPIN {
                std::hint::spin_loop();
            } else {
                // SeqCst pairs with the poster's: either it sees `sleeping` and wakes this
                // thread, or this thread sees its job before parking.
                sleeping.store(true, Ordering::SeqCst);
                if slot.load(Ordering::SeqCst).is_null() {
                    thread::park();
                }
                sleeping.store(false, Ordering::SeqCst);
                idle_since = Instant::now();
            }
        }
    }

    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA,
        B: FnOnce() -> RB + Send,
        RB: Send,
    {
        let job = StackJob {
            header: JobHeader {
                execute: StackJob::<B, RB>::execute,
                done: AtomicBool::new(false),
            },
            closure: UnsafeCell::new(Some(b)),
            result: UnsafeCell::new(None),
        };
        // A pointer to the whole job (its header is first), so that `execute` may reach the rest.
        let posted = (&raw const job).cast::<JobHeader>().cast_mut();
        if self
            .slot
            .compare_exchange(ptr::null_mut(), posted, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
        {
            // The helper is busy with another split: both halves here.
            let b = job.closure.into_inner().expect("not posted");
            return both_here(a, b);
        }
        if self.sleeping.load(Ordering::SeqCst) {
            self.thread.unpark();
        }
        let result_a = panic::catch_unwind(AssertUnwindSafe(a));
        let result_b = if self
            .slot
            .compare_exchange(
                posted,
                ptr::null_mut(),
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_ok()
        {
            // Taken back before the helper got to it: run it here.
            let b = unsafe { (*job.closure.get()).take() }.expect("not run");
            panic::catch_unwind(AssertUnwindSafe(b))
        } else {
            // The helper has it; `job` must outlive its run, so wait even if `a` panicked.
            let mut spins = 0u32;
            while !job.header.done.load(Ordering::Acquire) {
                spins += 1;
                if spins < 1 << 16 {
                    std::hint::spin_loop();
                } else {
                    thread::yield_now();
                }
            }
            // SAFETY: `done` (Acquire) means the helper wrote the result and let go of the job.
            unsafe { (*job.result.get()).take() }.expect("result written before done")
        };
        (resume(result_a), resume(result_b))
    }
}

/// The value of a finished half, or its panic, resumed here.
fn resume<R>(result: Result<R, Box<dyn Any + Send>>) -> R {
    result.unwrap_or_else(|payload| panic::resume_unwind(payload))
}

#[cfg(test)]
mod tests {
    use super::{join, one_thread, threads};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn both_halves_run_and_return_their_results() {
        let mut left = vec![0u64; 1000];
        let mut right = vec![0u64; 1000];
        let rounds = if cfg!(miri) { 20 } else { 2000 }; // Miri checks the unsafe code, slowly
        for round in 0..rounds {
            let (a, b) = join(
                || {
                    left.iter_mut().for_each(|v| *v += round);
                    left[0]
                },
                || {
                    right.iter_mut().for_each(|v| *v += 2 * round);
                    right[999]
                },
            );
            let triangle = round * (round + 1) / 2;
            assert_eq!((a, b), (triangle, 2 * triangle));
        }
    }

    #[test]
    fn the_second_half_runs_on_another_thread_when_two_are_allowed() {
        if threads() < 2 {
            return; // AUTOGRAD_THREADS=1 or one core: nothing to check
        }
        let caller = thread::current().id();
        // `a` waits (up to a second) for `b` to start, so the helper has time to take it. It
        // may be busy with another test's join, and then both halves run here: over several
        // tries it must take at least one.
        let started = AtomicUsize::new(0);
        let elsewhere = (0..20).any(|_| {
            started.store(0, Ordering::SeqCst);
            let wait_for_b = || {
                let since = std::time::Instant::now();
                while started.load(Ordering::SeqCst) == 0 && since.elapsed().as_secs() < 1 {
                    std::hint::spin_loop();
                }
            };
            let b = || {
                started.store(1, Ordering::SeqCst);
                thread::current().id()
            };
            join(wait_for_b, b).1 != caller
        });
        assert!(elsewhere);
        assert_eq!(one_thread(threads), 1);
        one_thread(|| assert_eq!(join(|| (), || thread::current().id()).1, caller));
    }

    #[test]
    fn nested_and_concurrent_joins_finish() {
        let count = AtomicUsize::new(0);
        let rounds = if cfg!(miri) { 10 } else { 200 };
        let work = || {
            for _ in 0..rounds {
                join(
                    || {
                        join(
                            || count.fetch_add(1, Ordering::Relaxed),
                            || count.fetch_add(1, Ordering::Relaxed),
                        )
                    },
                    || count.fetch_add(1, Ordering::Relaxed),
                );
            }
        };
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(work);
            }
        });
        assert_eq!(count.load(Ordering::Relaxed), 4 * rounds * 3);
    }

    #[test]
    fn a_panic_in_either_half_reaches_the_caller_after_both_finish() {
        let finished = AtomicUsize::new(0);
        for panicking_half in 0..2 {
            let outcome = std::panic::catch_unwind(|| {
                join(
                    || {
                        let _ = finished.fetch_add(1, Ordering::SeqCst);
                        assert!(panicking_half != 0, "left half failed");
                    },
                    || {
                        thread::sleep(std::time::Duration::from_millis(5));
                        let _ = finished.fetch_add(1, Ordering::SeqCst);
                        assert!(panicking_half != 1, "right half failed");
                    },
                )
            });
            let message = *outcome.unwrap_err().downcast::<&str>().unwrap();
            let expected = ["left half failed", "right half failed"][panicking_half];
            assert_eq!(message, expected);
        }
        assert_eq!(finished.load(Ordering::SeqCst), 4);
    }
}
