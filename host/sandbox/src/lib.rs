//! The driver sandbox: one wasmtime [`Engine`] per process, a pooling
//! allocator gated by a semaphore, epoch-based deadlines, a per-instance
//! memory cap, and WASI that grants nothing.
//!
//! - [`cache`]: precompiled components on disk, keyed by engine and sha256.
//! - [`catalog`]: scanning a drivers directory into [`LoadedDriver`]s.
//! - [`instance`]: one driver instance serving one device, the host side
//!   of the contract (session and text calls), and how each call ended.
//! - [`harness`]: corpus cases replayed through the sandbox
//!   (`netraven driver test`).
//!
//! May use: wasmtime, the WIT bindings of `wit/driver.wit`, the SDK's
//! native text engine and replay harness, and `netraven-session`: a device
//! is reached only through [`netraven_session::DeviceSession`]. Must not
//! use: a transport, the database or git.

pub mod aliases;
pub mod cache;
pub mod catalog;
pub mod harness;
pub mod instance;
pub mod lock;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Semaphore;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

pub use catalog::{Catalog, LoadedDriver, UnknownModel};
pub use instance::{DeviceState, DriverInstance, Link, NoDevice};

/// The contract versions this host can run. A driver reports the version of
/// `netraven:driver` it was built against in its import and export names.
pub(crate) const CONTRACT_VERSION: &str = "0.1.0";

mod bindings {
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "netraven-driver",
        // The text functions compute and return: no await, no fiber switch.
        imports: { "netraven:driver/text": trappable, default: async | trappable },
        exports: { default: async },
        with: { "netraven:driver/text.regex": super::instance::DriverRegex },
    });
}

pub use bindings::NetravenDriverPre;
pub use bindings::netraven::driver::types as wit;

/// Sandbox limits. Each field's default is what `config/environments/dev.toml`
/// documents.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeConfig {
    /// Directory scanned for `*.wasm` drivers at start. Default `data/drivers`.
    pub drivers_dir: PathBuf,
    /// Where precompiled drivers are cached. Default `data/cache/drivers`.
    pub cache_dir: PathBuf,
    /// Instances that may run at once; also sizes the pooling allocator.
    /// Each slot reserves `memory_mib` of address space (not RAM).
    /// Default 1000.
    pub max_instances: u32,
    /// Linear memory cap per driver instance, in MiB. Default 512: enough
    /// for a 50 MB configuration in the bundled drivers.
    pub memory_mib: u32,
    /// Wall-clock budget for one driver call on one device, in seconds,
    /// including time spent waiting on the device. Default 300.
    pub deadline_secs: u64,
    /// Load only the drivers `lock_file` pins (file name and sha256), and
    /// refuse the others by name. Default false.
    pub require_lock: bool,
    /// The lock `netraven drivers lock` writes. Default: `drivers.lock`
    /// beside the settings file (in the working directory without one).
    pub lock_file: Option<PathBuf>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            drivers_dir: PathBuf::from("data/drivers"),
            cache_dir: PathBuf::from("data/cache/drivers"),
            max_instances: 1000,
            memory_mib: 512,
            deadline_secs: 300,
            require_lock: false,
            lock_file: None,
        }
    }
}

impl RuntimeConfig {
    /// Reject values that cannot work, naming the key.
    pub fn validate(&self) -> Result<(), RuntimeError> {
        let bad = |key, value: &dyn std::fmt::Display, must| {
            Err(RuntimeError::Setting {
                key,
                value: value.to_string(),
                must,
            })
        };
        if !(1..=100_000).contains(&self.max_instances) {
            return bad("max_instances", &self.max_instances, "1 to 100000");
        }
        if !(1..=4096).contains(&self.memory_mib) {
            return bad("memory_mib", &self.memory_mib, "1 to 4096");
        }
        if !(1..=86_400).contains(&self.deadline_secs) {
            return bad("deadline_secs", &self.deadline_secs, "1 to 86400 (a day)");
        }
        Ok(())
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.memory_mib as usize * 1024 * 1024
    }

    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.deadline_secs)
    }

    /// Where the drivers lock is.
    pub fn lock_path(&self) -> PathBuf {
        self.lock_file
            .clone()
            .unwrap_or_else(|| PathBuf::from("drivers.lock"))
    }
}

/// Per-component pool limits. A Rust wasip2 driver has one memory, a few
/// core instances (its module plus adapter shims) and a few tables.
const PER_COMPONENT_CORE_INSTANCES: u32 = 16;
const PER_COMPONENT_MEMORIES: u32 = 2;
const PER_COMPONENT_TABLES: u32 = 16;

/// Bytes of each slot's memory (and tables) reset in place rather than
/// returned to the kernel when an instance ends.
const KEEP_RESIDENT: usize = 16 << 20;

/// How often the epoch advances: guest code runs one or two of these before
/// it yields to the event loop, and traps up to two past its deadline.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A `[runtime]` setting out of range.
    #[error("[runtime] {key} = {value}: must be {must}")]
    Setting {
        key: &'static str,
        value: String,
        must: &'static str,
    },
    /// `Runtime::new` was handed settings that do not validate.
    #[error("cannot set up the driver sandbox: {0}")]
    Settings(Box<RuntimeError>),
    #[error("cannot set up the driver sandbox: {0}")]
    Engine(String),
    #[error(transparent)]
    Lock(#[from] lock::LockError),
}

/// Everything shared by all driver instances in this process.
pub struct Runtime {
    pub engine: Engine,
    pub linker: Linker<DeviceState>,
    pub config: RuntimeConfig,
    /// One permit per pooling-allocator slot: an exhausted pool would fail
    /// instantiation, a semaphore makes callers wait instead.
    pub slots: Arc<Semaphore>,
    /// The pins every driver must match, with `require_lock`.
    pub lock: Option<lock::DriverLock>,
}

impl Runtime {
    pub fn new(config: RuntimeConfig) -> Result<Arc<Runtime>, RuntimeError> {
        config
            .validate()
            .map_err(|e| RuntimeError::Settings(Box::new(e)))?;
        let lock = if config.require_lock {
            Some(lock::DriverLock::read(&config.lock_path())?)
        } else {
            None
        };
        let slots = config.max_instances;
        // Totals are the per-component maxima times the slots, so one
        // semaphore permit always finds room. A component over these maxima
        // fails at load (its `info()` instantiation), never mid-job.
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(slots)
            .max_core_instances_per_component(PER_COMPONENT_CORE_INSTANCES)
            .max_memories_per_component(PER_COMPONENT_MEMORIES)
            .max_tables_per_component(PER_COMPONENT_TABLES)
            .total_core_instances(slots * PER_COMPONENT_CORE_INSTANCES)
            .total_memories(slots * PER_COMPONENT_MEMORIES)
            .total_tables(slots * PER_COMPONENT_TABLES)
            .total_stacks(slots)
            .max_memory_size(config.memory_bytes())
            // Reset a finished instance's memory by rewriting only the pages
            // it dirtied (found with the PAGEMAP_SCAN ioctl, Linux 6.7+)
            // instead of `madvise`: every `madvise` flushes the TLB of every
            // core running this process, which cost more per device than
            // the driver's own work. Pages stay resident for the next
            // instance in the slot, so it takes no page faults either.
            .pagemap_scan(Enabled::Auto)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT);

        let mut wasm = Config::new();
        wasm.wasm_component_model(true)
            .epoch_interruption(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            // Reserve only the cap: with thousands of slots, wasmtime's 4 GiB
            // default reservation per memory would exhaust address space.
            .memory_reservation(config.memory_bytes() as u64)
            .memory_guard_size(64 * 1024)
            .max_wasm_stack(1024 * 1024)
            .async_stack_size(2 * 1024 * 1024);
        // For profiling drivers: `NETRAVEN_WASM_PERFMAP=1 perf record ...`
        // names the JIT-compiled driver functions in `perf report`.
        if std::env::var_os("NETRAVEN_WASM_PERFMAP").is_some_and(|v| v == "1") {
            wasm.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&wasm).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;

        let mut linker = Linker::<DeviceState>::new(&engine);
        // Rust guests import wasi:cli and wasi:io through std even when the
        // driver uses none of it; the context behind them grants nothing.
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        bindings::NetravenDriver::add_to_linker::<_, HasSelf<_>>(&mut linker, |s| s)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;

        start_epoch_ticker(&engine);
        Ok(Arc::new(Runtime {
            engine,
            linker,
            slots: Arc::new(Semaphore::new(slots as usize)),
            config,
            lock,
        }))
    }
}

/// A thread that advances the engine's epoch. It holds a weak reference so
/// it ends when the engine is dropped.
fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("netraven-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        });
    if let Err(e) = spawned {
        // Without the ticker deadlines cannot fire; say so loudly.
        tracing::error!("cannot start the epoch ticker thread: {e}; driver deadlines are off");
    }
}
