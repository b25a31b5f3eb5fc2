//! The event loops a worker runs its devices on, `threads` as in
//! `[worker] threads`.
//!
//! A device's work is a long chain of short steps handed between tasks:
//! russh's session task reads a packet, the device's task resumes its
//! driver, which writes the next command. On one single-threaded loop those
//! hand-offs never wake another thread or cross caches. A work-stealing pool
//! pays for them on every packet: on two of its threads the slow bench spent
//! 1.05 ms of client CPU per device, on two loops 0.87 ms (BENCHMARKS.md,
//! "One loop per core, and the first wave paced").
//!
//! So more threads are more single-threaded loops, one per thread, and each
//! device is dealt to one of them when it starts ([`spawn_device`]) and stays
//! there: its session, its timers and its driver instance live on one
//! thread, and only its start and its end cross between threads. The calling
//! thread's loop is the first of them and also runs everything else (the
//! database and archive writers, progress). Either way a driver that
//! computes for long yields every epoch tick or two (see
//! `netraven_sandbox::instance`), so it does not hold up the devices beside it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::{AbortHandle, JoinSet};

/// A worker's event loops: the calling thread's, and `threads - 1` more,
/// each on a thread of its own. Dropping it stops the extra loops (a task
/// still running on one is cancelled) and waits for their threads.
pub struct EventLoop {
    main: Runtime,
    /// Every loop's handle, the calling thread's first.
    loops: Arc<[Handle]>,
    /// Dropping a sender stops its loop; then its thread ends.
    others: Vec<(
        tokio::sync::oneshot::Sender<()>,
        std::thread::JoinHandle<()>,
    )>,
}

/// The loops devices are dealt to, and the next one's index.
type Deal = (Arc<[Handle]>, Cell<usize>);

thread_local! {
    /// The deal while [`EventLoop::block_on`] runs on this thread.
    static DEAL: RefCell<Option<Deal>> = const { RefCell::new(None) };
}

impl EventLoop {
    /// `threads` loops; 0 means one per CPU core.
    pub fn new(threads: usize) -> std::io::Result<Self> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let main = Builder::new_current_thread().enable_all().build()?;
        let mut loops = vec![main.handle().clone()];
        let mut others = Vec::new();
        for index in 1..threads {
            let runtime = Builder::new_current_thread().enable_all().build()?;
            loops.push(runtime.handle().clone());
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let thread = std::thread::Builder::new()
                .name(format!("netraven-loop-{index}"))
                .spawn(move || {
                    runtime.block_on(async {
                        let _ = stopped.await;
                    });
                })?;
            others.push((stop, thread));
        }
        Ok(Self {
            main,
            loops: loops.into(),
            others,
        })
    }

    /// How many loops (threads) there are.
    pub fn threads(&self) -> usize {
        self.loops.len()
    }

    /// Run `future` on the calling thread's loop; devices it starts with
    /// [`spawn_device`] are dealt among all the loops.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let previous = DEAL.with(|deal| deal.replace(Some((self.loops.clone(), Cell::new(0)))));
        let output = self.main.block_on(future);
        DEAL.with(|deal| *deal.borrow_mut() = previous);
        output
    }
}

impl Drop for EventLoop {
    fn drop(&mut self) {
        for (stop, thread) in self.others.drain(..) {
            drop(stop);
            let _ = thread.join();
        }
    }
}

/// Start one device's work in `tasks`: on the next of the worker's loops in
/// turn when called from [`EventLoop::block_on`], else on the current
/// runtime (a test's, a bench's).
pub fn spawn_device<T, F>(tasks: &mut JoinSet<T>, work: F) -> AbortHandle
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let next = DEAL.with(|deal| {
        deal.borrow().as_ref().map(|(loops, turn)| {
            let index = turn.get();
            turn.set((index + 1) % loops.len());
            loops[index].clone()
        })
    });
    match next {
        Some(handle) => tasks.spawn_on(work, &handle),
        None => tasks.spawn(work),
    }
}

/// The pace of a run's first wave: a run that starts thousands of devices
/// at once makes every one of them do its key exchange in the same instant,
/// so all of them wait for the CPU together, then wait out the same
/// latencies and finish together, and the next wave starts together again.
/// That lockstep kept 2,000 slow devices in flight about 0.3 s longer each
/// than the devices' own pace (BENCHMARKS.md, "One loop per core, and the
/// first wave paced"). So the first
/// wave starts in batches, and a batch waits while this thread's loop is busy,
/// that is while a turn round it takes longer than [`Ramp::BUSY`]: devices
/// then start as fast as the CPU takes their handshakes, which spreads the
/// wave and the waves after it. Devices that wait on the network (a WAN, a
/// slow login) leave the loop idle, so they start at full speed. A batch
/// waits at most [`Ramp::MOST`], so a loop that stays busy (a fast lab
/// keeps it so) delays a wave of 2,000 by a few seconds at worst, not for
/// ever. After the first wave a device starts when another ends, as before.
/// The same holds an authentication server's burst down.
pub struct Ramp {
    started: usize,
    first_wave: usize,
}

impl Ramp {
    /// Devices started between two looks at the loop.
    const BATCH: usize = 8;
    /// A turn round the loop longer than this means it is busy.
    const BUSY: Duration = Duration::from_millis(5);
    /// The longest a batch waits for the loop.
    const MOST: Duration = Duration::from_millis(25);

    /// For a run of `concurrency` devices at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            started: 0,
            first_wave: concurrency,
        }
    }

    /// Wait, if need be, before starting the next device.
    pub async fn next(&mut self) {
        if self.started < self.first_wave
            && self.started > 0
            && self.started.is_multiple_of(Self::BATCH)
        {
            let waiting = Instant::now();
            loop {
                let turn = Instant::now();
                tokio::task::yield_now().await;
                if turn.elapsed() < Self::BUSY || waiting.elapsed() >= Self::MOST {
                    break;
                }
            }
        }
        self.started += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn threads_devices_ran_on(threads: usize, devices: usize) -> HashSet<std::thread::ThreadId> {
        let event_loop = EventLoop::new(threads).expect("event loops");
        event_loop.block_on(async {
            let mut tasks = JoinSet::new();
            for _ in 0..devices {
                spawn_device(&mut tasks, async {
                    tokio::task::yield_now().await;
                    std::thread::current().id()
                });
            }
            let mut seen = HashSet::new();
            while let Some(id) = tasks.join_next().await {
                seen.insert(id.expect("device task"));
            }
            seen
        })
    }

    #[test]
    fn one_thread_runs_every_device_on_the_calling_thread() {
        let seen = threads_devices_ran_on(1, 10);
        assert_eq!(seen, HashSet::from([std::thread::current().id()]));
    }

    #[test]
    fn devices_are_dealt_to_every_loop_each_on_a_thread_of_its_own() {
        let seen = threads_devices_ran_on(3, 9);
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen.contains(&std::thread::current().id()));
    }

    #[test]
    fn zero_threads_is_one_loop_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(EventLoop::new(0).expect("event loops").threads(), cores);
    }

    #[test]
    fn outside_block_on_a_device_runs_on_the_current_runtime() {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let _loops = EventLoop::new(2).expect("event loops");
        let seen = runtime.block_on(async {
            let mut tasks = JoinSet::new();
            for _ in 0..4 {
                spawn_device(&mut tasks, async { std::thread::current().id() });
            }
            let mut seen = HashSet::new();
            while let Some(id) = tasks.join_next().await {
                seen.insert(id.expect("device task"));
            }
            seen
        });
        assert_eq!(seen, HashSet::from([std::thread::current().id()]));
    }

    /// A loop kept busy by another task: each of its turns takes 6 ms.
    async fn busy_turns(during: impl Future<Output = ()>) -> usize {
        let turns = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let busy = {
            let turns = turns.clone();
            tokio::spawn(async move {
                loop {
                    std::thread::sleep(Duration::from_millis(6));
                    turns.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            })
        };
        tokio::task::yield_now().await;
        let before = turns.load(std::sync::atomic::Ordering::SeqCst);
        during.await;
        let after = turns.load(std::sync::atomic::Ordering::SeqCst);
        busy.abort();
        after - before
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_first_wave_waits_for_a_busy_loop_between_batches_but_not_for_ever() {
        let mut ramp = Ramp::new(100);
        // 17 starts cross two batch boundaries (after 8 and 16): each waits
        // for a quiet turn that never comes, up to its limit, while the
        // busy task runs.
        let turns = busy_turns(async {
            for _ in 0..17 {
                ramp.next().await;
            }
        })
        .await;
        assert!(
            turns >= 2,
            "the busy task ran {turns} turns during the ramp"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn after_the_first_wave_devices_start_without_waiting() {
        let mut ramp = Ramp::new(4);
        for _ in 0..4 {
            ramp.next().await;
        }
        let turns = busy_turns(async {
            for _ in 0..100 {
                ramp.next().await;
            }
        })
        .await;
        assert_eq!(turns, 0);
    }
}
