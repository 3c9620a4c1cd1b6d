//! The worker threads, and N-way fork-join over them: [`run`] calls a task for pieces
//! `0..n`, piece 0 on the calling thread and piece `i` on worker `i − 1`, and returns when all
//! are done.
//!
//! Why a pool of our own rather than rayon: a training step makes a handful of short splits,
//! with single-threaded work between them. rayon's idle workers go to sleep almost at once,
//! and waking one costs a system call and an inter-processor interrupt every split; its work stealing also spreads a split over whichever threads come first, so the
//! pieces a product is cut into would have to be fixed apart from it anyway. Here each piece
//! has its worker, and a worker spins for a while ([`spin_time`]) after each piece before it
//! parks, as OpenMP runtimes do (`KMP_BLOCKTIME`), so between the products of a step it is
//! already awake. The README's speed section has the measurements behind this choice.
//!
//! Guarantees:
//! - every piece runs exactly once, and `run` returns only when all have finished;
//! - a panic in a piece is resumed on the caller once every piece has finished;
//! - a worker that is busy (another thread's split, or a split nested in a piece) is skipped:
//!   the caller runs that piece itself, so no `run` ever waits on a piece nobody is running.

use std::any::Any;
use std::cell::UnsafeCell;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::OnceLock;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// The most threads a split can use (the caller and `MAX_THREADS − 1` workers).
pub const MAX_THREADS: usize = 256;

/// Runs `task(0)`, …, `task(pieces − 1)`: piece 0 here, the others on the workers.
pub(crate) fn run(pieces: usize, task: &(dyn Fn(usize) + Sync)) {
    if pieces <= 1 {
        if pieces == 1 {
            task(0);
        }
        return;
    }
    let pieces = pieces.min(MAX_THREADS);
    // SAFETY: the jobs hold `task` only until `run` returns, and `run` returns only after
    // every posted job is finished or taken back (below), so the pointer never outlives it.
    let erased: *const Task = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), _>(task) };
    let jobs: Vec<Job> = (1..pieces).map(|index| Job::new(erased, index)).collect();
    let mut posted = vec![false; jobs.len()];
    for (k, job) in jobs.iter().enumerate() {
        posted[k] = WORKERS[k].post(job);
    }
    let mut first_panic = panic::catch_unwind(AssertUnwindSafe(|| task(0))).err();
    let mut keep = |result: thread::Result<()>| {
        if let (Err(payload), None) = (result, &first_panic) {
            first_panic = Some(payload);
        }
    };
    // Pieces no worker has started yet are taken back and run here, before waiting on any.
    let mut running = Vec::new();
    for (k, job) in jobs.iter().enumerate() {
        if posted[k] && !WORKERS[k].take_back(job) {
            running.push(job);
        } else {
            keep(panic::catch_unwind(AssertUnwindSafe(|| task(job.index))));
        }
    }
    for job in running {
        keep(job.wait());
    }
    if let Some(payload) = first_panic {
        panic::resume_unwind(payload);
    }
}

/// Runs `f` on each item, item 0 on the calling thread and the others on the workers.
pub(crate) fn run_each<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    let cells = Cells(
        items
            .into_iter()
            .map(|x| UnsafeCell::new(Some(x)))
            .collect(),
    );
    run(cells.0.len(), &|i| f(cells.take(i)));
}

/// Items handed out one per piece.
struct Cells<T>(Vec<UnsafeCell<Option<T>>>);
// SAFETY: each cell is reached by exactly one piece (see `run_each`), and `T: Send` lets it
// move to that piece's thread.
unsafe impl<T: Send> Sync for Cells<T> {}

impl<T> Cells<T> {
    fn take(&self, i: usize) -> T {
        // SAFETY: `run` calls each index exactly once, so this is the only access to cell `i`.
        unsafe { (*self.0[i].get()).take() }.expect("each piece runs once")
    }
}

type Task = dyn Fn(usize) + Sync + 'static;

/// One piece posted to a worker: the task, which piece, and how it ended.
struct Job {
    task: *const Task,
    index: usize,
    panic: UnsafeCell<Option<Box<dyn Any + Send>>>,
    done: AtomicBool,
}

impl Job {
    fn new(task: *const Task, index: usize) -> Job {
        Job {
            task,
            index,
            panic: UnsafeCell::new(None),
            done: AtomicBool::new(false),
        }
    }

    /// Runs the piece and sets `done`.
    ///
    /// # Safety
    /// `job` points to a live job that only this thread runs (it swapped it out of a slot).
    unsafe fn execute(job: *const Job) {
        let job = unsafe { &*job };
        let task = unsafe { &*job.task };
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| task(job.index))) {
            unsafe { *job.panic.get() = Some(payload) };
        }
        // Release: the panic (if any) is written before the poster sees `done`. After this
        // store the job (owned by the poster) may be gone, so nothing touches it.
        job.done.store(true, Ordering::Release);
    }

    /// Waits until the worker that took this job has finished it.
    fn wait(&self) -> thread::Result<()> {
        let mut spins = 0u32;
        while !self.done.load(Ordering::Acquire) {
            spins += 1;
            if spins < 1 << 16 {
                std::hint::spin_loop();
            } else {
                thread::yield_now();
            }
        }
        // SAFETY: `done` (Acquire) means the worker wrote `panic` and let go of the job.
        match unsafe { (*self.panic.get()).take() } {
            Some(payload) => Err(payload),
            None => Ok(()),
        }
    }
}

/// A worker's mailbox. The thread itself starts the first time something is posted to it.
struct Worker {
    /// The posted job, or null. Posted by a CAS from null; taken by the worker or taken back
    /// by the poster, whoever swaps it to null first.
    slot: AtomicPtr<Job>,
    /// Set while the worker sleeps, so that a poster knows to wake it.
    sleeping: AtomicBool,
    thread: OnceLock<Thread>,
}

static WORKERS: [Worker; MAX_THREADS - 1] = [const {
    Worker {
        slot: AtomicPtr::new(ptr::null_mut()),
        sleeping: AtomicBool::new(false),
        thread: OnceLock::new(),
    }
}; MAX_THREADS - 1];

impl Worker {
    /// Posts `job` if this worker's slot is free; false if it is busy.
    fn post(&'static self, job: &Job) -> bool {
        let thread = self.thread.get_or_init(|| self.start());
        let job = ptr::from_ref(job).cast_mut();
        if self
            .slot
            .compare_exchange(ptr::null_mut(), job, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        // SeqCst pairs with the worker's: either this sees `sleeping` and wakes it, or the
        // worker sees the job before it parks.
        if self.sleeping.load(Ordering::SeqCst) {
            thread.unpark();
        }
        true
    }

    /// Takes `job` back if the worker has not started it; false if it has.
    fn take_back(&self, job: &Job) -> bool {
        let job = ptr::from_ref(job).cast_mut();
        self.slot
            .compare_exchange(job, ptr::null_mut(), Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    fn start(&'static self) -> Thread {
        thread::Builder::new()
            .name("autograd-worker".into())
            .spawn(move || self.work())
            .expect("could not start a worker thread")
            .thread()
            .clone()
    }

    /// The worker's loop: take a job and run it; spin for a while when there is none; then
    /// sleep until a poster wakes it.
    fn work(&self) {
        let spin = spin_time();
        let mut idle_since = Instant::now();
        let mut spins = 0u32;
        loop {
            let job = self.slot.swap(ptr::null_mut(), Ordering::Acquire);
            if !job.is_null() {
                // SAFETY: a posted job stays alive until its `done` is set (the poster waits
                // for it), and swapping it out of the slot made this thread its only runner.
                unsafe { Job::execute(job) };
                idle_since = Instant::now();
                continue;
            }
            spins = spins.wrapping_add(1);
            // Reading the clock costs more than a spin: look at it one spin in 64.
            if !spins.is_multiple_of(64) || idle_since.elapsed() < spin {
                std::hint::spin_loop();
                continue;
            }
            self.sleeping.store(true, Ordering::SeqCst);
            if self.slot.load(Ordering::SeqCst).is_null() {
                thread::park();
            }
            self.sleeping.store(false, Ordering::SeqCst);
            idle_since = Instant::now();
        }
    }
}

/// How long an idle worker keeps looking for work before it parks: `AUTOGRAD_SPIN_US`
/// microseconds, default 1000. Long enough to span the gaps between the products of a
/// training step, short enough that a paused program stops using the cores.
pub fn spin_time() -> Duration {
    static SPIN: OnceLock<Duration> = OnceLock::new();
    *SPIN.get_or_init(|| {
        let micros = std::env::var("AUTOGRAD_SPIN_US")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1000);
        Duration::from_micros(micros)
    })
}

#[cfg(test)]
mod tests {
    use super::{run, run_each};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::thread;

    #[test]
    fn every_piece_runs_once() {
        let rounds = if cfg!(miri) { 5 } else { 500 }; // Miri checks the unsafe code, slowly
        for pieces in [0, 1, 2, 3, 5, 8] {
            for _ in 0..rounds {
                let counts: Vec<AtomicUsize> = (0..pieces).map(|_| AtomicUsize::new(0)).collect();
                run(pieces, &|i| {
                    counts[i].fetch_add(1, Ordering::Relaxed);
                });
                assert!(counts.iter().all(|c| c.load(Ordering::Relaxed) == 1));
            }
        }
    }

    #[test]
    fn items_move_to_their_piece_and_back() {
        let results = Mutex::new(Vec::new());
        let items: Vec<Vec<u64>> = (0..6).map(|i| vec![i; 100]).collect();
        run_each(items, |mut v| {
            v.iter_mut().for_each(|x| *x *= 2);
            results.lock().unwrap().push(v.iter().sum::<u64>());
        });
        let mut sums = results.into_inner().unwrap();
        sums.sort_unstable();
        assert_eq!(sums, vec![0, 200, 400, 600, 800, 1000]);
    }

    #[test]
    fn pieces_run_on_other_threads() {
        let caller = thread::current().id();
        // Piece 0 waits (up to a second) for the others to start, so the workers have time to
        // take them. A worker may be busy with another test's split, and then its piece runs
        // here: over several tries some piece must run elsewhere.
        let elsewhere = (0..20).any(|_| {
            let started = AtomicUsize::new(0);
            let others = Mutex::new(Vec::new());
            run(4, &|i| {
                if i == 0 {
                    let since = std::time::Instant::now();
                    while started.load(Ordering::SeqCst) < 3 && since.elapsed().as_secs() < 1 {
                        std::hint::spin_loop();
                    }
                } else {
                    started.fetch_add(1, Ordering::SeqCst);
                    others.lock().unwrap().push(thread::current().id());
                }
            });
            others.into_inner().unwrap().iter().any(|&id| id != caller)
        });
        assert!(elsewhere);
    }

    #[test]
    fn nested_and_concurrent_runs_finish() {
        let count = AtomicUsize::new(0);
        let rounds = if cfg!(miri) { 5 } else { 200 };
        let work = || {
            for _ in 0..rounds {
                run(3, &|_| {
                    run(3, &|_| {
                        count.fetch_add(1, Ordering::Relaxed);
                    })
                });
            }
        };
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(work);
            }
        });
        assert_eq!(count.load(Ordering::Relaxed), 4 * rounds * 9);
    }

    #[test]
    fn a_panic_in_any_piece_reaches_the_caller_after_all_finish() {
        for failing in 0..4 {
            let finished = AtomicUsize::new(0);
            let outcome = std::panic::catch_unwind(|| {
                run(4, &|i| {
                    thread::sleep(std::time::Duration::from_millis(2));
                    finished.fetch_add(1, Ordering::SeqCst);
                    assert!(i != failing, "piece {i} failed");
                })
            });
            let message = *outcome.unwrap_err().downcast::<String>().unwrap();
            assert_eq!(message, format!("piece {failing} failed"));
            assert_eq!(finished.load(Ordering::SeqCst), 4);
        }
    }
}
