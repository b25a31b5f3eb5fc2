//! The wasm side of the host: one [`Engine`] per process, a pooling
//! allocator gated by a semaphore, epoch-based deadlines, a per-instance
//! memory cap, and WASI that grants nothing.
//!
//! - [`cache`]: precompiled components on disk, keyed by engine and sha256.
//! - [`catalog`]: scanning a drivers directory into [`LoadedDriver`]s.
//! - [`sandbox`]: one driver call for one device, and how it ended.

pub mod cache;
pub mod catalog;
pub mod sandbox;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Semaphore;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

pub use catalog::{Catalog, LoadedDriver};
pub use sandbox::DeviceState;

/// The contract versions this host can run. A driver reports the version of
/// `netraven:driver` it was built against in its import and export names.
pub const CONTRACT_VERSION: &str = "0.1.0";

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "netraven-driver",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

pub use bindings::NetravenDriverPre;
pub use bindings::netraven::driver::types as wit;

/// Sandbox limits. Each field's default is what `config/environments/dev.toml`
/// documents.
#[derive(Debug, Clone, Deserialize, PartialEq)]
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
    /// Linear memory cap per driver instance, in MiB. Default 64.
    pub memory_mib: u32,
    /// Wall-clock budget for one driver call on one device, in seconds,
    /// including time spent waiting on the device. Default 300.
    pub deadline_secs: u64,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            drivers_dir: PathBuf::from("data/drivers"),
            cache_dir: PathBuf::from("data/cache/drivers"),
            max_instances: 1000,
            memory_mib: 64,
            deadline_secs: 300,
        }
    }
}

impl RuntimeConfig {
    pub fn memory_bytes(&self) -> usize {
        self.memory_mib as usize * 1024 * 1024
    }

    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.deadline_secs)
    }
}

/// How often the epoch advances; deadlines are rounded up to this.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("cannot set up the wasm engine: {0}")]
    Engine(String),
}

/// Everything shared by all driver instances in this process.
pub struct Runtime {
    pub engine: Engine,
    pub linker: Linker<DeviceState>,
    pub config: RuntimeConfig,
    /// One permit per pooling-allocator slot: an exhausted pool would fail
    /// instantiation, a semaphore makes callers wait instead.
    pub slots: Arc<Semaphore>,
}

impl Runtime {
    pub fn new(config: RuntimeConfig) -> Result<Arc<Runtime>, RuntimeError> {
        let slots = config.max_instances.max(1);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(slots)
            // A Rust wasip2 component holds its module plus a few adapter
            // shims; these bounds leave room without reserving waste.
            .total_core_instances(slots * 8)
            .total_memories(slots * 2)
            .total_tables(slots * 8)
            .total_stacks(slots)
            .max_memory_size(config.memory_bytes())
            .max_memories_per_component(4)
            .max_tables_per_component(16)
            .max_core_instances_per_component(16);

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
        }))
    }

    /// Epoch ticks that make up `deadline`.
    pub fn ticks(deadline: Duration) -> u64 {
        (deadline.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64 + 1
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
