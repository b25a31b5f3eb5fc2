//! One driver instance serving one device: a fresh [`Store`] from the pool,
//! the session the driver talks through, and the classification of how each
//! call ended.
//!
//! Containment:
//! - guest code that runs a whole epoch tick without waiting on the device
//!   yields to the event loop (other devices share its thread), and traps
//!   once the device budget is spent;
//! - a `tokio` timeout bounds the same budget while the guest waits in a
//!   host call (epochs do not fire during host calls);
//! - [`MemoryCap`] traps a guest that grows memory past its cap;
//! - the SDK's panic hook reports the panic message before the trap.

use std::time::{Duration, Instant};

use netraven_driver_sdk::native_text::{self, Rule, Scope};
use netraven_driver_sdk::{
    Backup, CommandOutput, Device, DriverError, DriverInfo, Level, LoginPrompts, Mode, Secret,
    Session, SessionError,
};
use tokio::sync::OwnedSemaphorePermit;
use wasmtime::component::{Resource, ResourceTable};
use wasmtime::{ResourceLimiter, Store, Trap, UpdateDeadline};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

use super::bindings::NetravenDriver;
use super::bindings::netraven::driver::{session as host, text as text_host, types as wit};
use super::{LoadedDriver, NetravenDriverPre, Runtime};
use netraven_session::{DeviceFailure, DeviceSession, ErrorClass};

/// Most log lines kept per device, and most bytes per line: a chatty
/// driver cannot fill the host's memory.
const MAX_LOGS: usize = 1000;
const MAX_LOG_LINE: usize = 4096;
/// Most regex handles one instance may hold at once (each up to a 256 KiB
/// program, outside the instance's memory cap).
const MAX_REGEXES: usize = 1_000;

/// Store limiter: traps (rather than failing `memory.grow`) so the cause
/// is reported instead of a bare allocation abort.
struct MemoryCap {
    limit: usize,
    hit: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.hit = true;
            wasmtime::bail!("memory cap of {} MiB reached", self.limit / (1024 * 1024));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// What a driver's session calls reach: a local session (a replayed
/// transcript, or nothing) or a device over a transport.
pub enum Link {
    Local(Box<dyn Session + Send>),
    Device(Box<dyn DeviceSession>),
}

impl From<Box<dyn Session + Send>> for Link {
    fn from(session: Box<dyn Session + Send>) -> Self {
        Link::Local(session)
    }
}

impl<S: Session + Send + 'static> From<Box<S>> for Link {
    fn from(session: Box<S>) -> Self {
        Link::Local(session)
    }
}

impl From<Box<dyn DeviceSession>> for Link {
    fn from(session: Box<dyn DeviceSession>) -> Self {
        Link::Device(session)
    }
}

/// Run one session call on whichever link the store has, marking the time
/// spent outside the guest (a deadline that passes there is the device's
/// fault, not the driver's).
macro_rules! on_device {
    ($self:ident, $s:ident => $local:expr, $device:expr) => {{
        $self.in_host_call = true;
        let result = match &mut $self.link {
            Link::Local($s) => $local,
            Link::Device($s) => $device,
        };
        $self.in_host_call = false;
        $self.device_waits += 1;
        Ok(result.map_err(to_wit))
    }};
}

/// The data of one driver store.
pub struct DeviceState {
    wasi: WasiCtx,
    table: ResourceTable,
    link: Link,
    memory: MemoryCap,
    device: String,
    panic: Option<String>,
    in_host_call: bool,
    /// Session calls so far: guest code that made none for a whole epoch
    /// tick has been computing all that time.
    device_waits: u64,
    logs: Vec<(Level, String)>,
    regexes: usize,
}

impl WasiView for DeviceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A session for calls that must not touch a device (`info`, `redact`).
pub struct NoDevice;

impl NoDevice {
    fn refuse<T>(what: &str) -> Result<T, SessionError> {
        Err(SessionError::Unsupported(format!(
            "{what} during a call that has no device"
        )))
    }
}

impl Session for NoDevice {
    fn set_prompt(&mut self, _: &str) -> Result<(), SessionError> {
        NoDevice::refuse("set-prompt")
    }
    fn on_pattern(&mut self, _: &str, _: &str) -> Result<(), SessionError> {
        NoDevice::refuse("on-pattern")
    }
    fn clear_patterns(&mut self) {}
    fn set_newline(&mut self, _: &str) {}
    fn strip_ansi(&mut self, _: bool) {}
    fn command_with_timeout(
        &mut self,
        _: &str,
        _: Option<Duration>,
    ) -> Result<String, SessionError> {
        NoDevice::refuse("command")
    }
    fn send(&mut self, _: &str) -> Result<(), SessionError> {
        NoDevice::refuse("send")
    }
    fn send_secret(&mut self, _: Secret) -> Result<(), SessionError> {
        NoDevice::refuse("send-secret")
    }
    fn read_until(&mut self, _: &str, _: Option<Duration>) -> Result<String, SessionError> {
        NoDevice::refuse("read-until")
    }
    fn exec_with_timeout(&mut self, _: &str, _: Option<Duration>) -> Result<String, SessionError> {
        NoDevice::refuse("exec")
    }
    fn fetch_file(&mut self, _: &str, _: Option<Duration>) -> Result<String, SessionError> {
        NoDevice::refuse("fetch-file")
    }
    fn log(&mut self, _: Level, _: &str) {}
}

fn timeout(ms: Option<u32>) -> Option<Duration> {
    ms.map(|ms| Duration::from_millis(u64::from(ms)))
}

fn to_wit(e: SessionError) -> wit::SessionError {
    match e {
        SessionError::Timeout(m) => wit::SessionError::Timeout(m),
        SessionError::Closed(m) => wit::SessionError::Closed(m),
        SessionError::Rejected(m) => wit::SessionError::Rejected(m),
        SessionError::InvalidRegex(m) => wit::SessionError::InvalidRegex(m),
        SessionError::Unsupported(m) => wit::SessionError::Unsupported(m),
    }
}

fn from_wit(e: wit::SessionError) -> SessionError {
    match e {
        wit::SessionError::Timeout(m) => SessionError::Timeout(m),
        wit::SessionError::Closed(m) => SessionError::Closed(m),
        wit::SessionError::Rejected(m) => SessionError::Rejected(m),
        wit::SessionError::InvalidRegex(m) => SessionError::InvalidRegex(m),
        wit::SessionError::Unsupported(m) => SessionError::Unsupported(m),
    }
}

/// Cut `text` to at most `max` bytes on a character boundary.
fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(" [truncated]");
    }
}

type HostResult<T> = wasmtime::Result<Result<T, wit::SessionError>>;

impl wit::Host for DeviceState {}

impl host::Host for DeviceState {
    async fn set_prompt(&mut self, regex: String) -> HostResult<()> {
        on_device!(self, s => s.set_prompt(&regex), s.set_prompt(&regex))
    }
    async fn on_pattern(&mut self, regex: String, reply: String) -> HostResult<()> {
        on_device!(self, s => s.on_pattern(&regex, &reply), s.on_pattern(&regex, &reply))
    }
    async fn clear_patterns(&mut self) -> wasmtime::Result<()> {
        match &mut self.link {
            Link::Local(s) => s.clear_patterns(),
            Link::Device(s) => s.clear_patterns(),
        }
        Ok(())
    }
    async fn set_newline(&mut self, newline: String) -> wasmtime::Result<()> {
        match &mut self.link {
            Link::Local(s) => s.set_newline(&newline),
            Link::Device(s) => s.set_newline(&newline),
        }
        Ok(())
    }
    async fn strip_ansi(&mut self, on: bool) -> wasmtime::Result<()> {
        match &mut self.link {
            Link::Local(s) => s.strip_ansi(on),
            Link::Device(s) => s.strip_ansi(on),
        }
        Ok(())
    }
    async fn command(&mut self, line: String, timeout_ms: Option<u32>) -> HostResult<String> {
        let t = timeout(timeout_ms);
        on_device!(self, s => s.command_with_timeout(&line, t), s.command(&line, t).await)
    }
    async fn send(&mut self, text: String) -> HostResult<()> {
        on_device!(self, s => s.send(&text), s.send(&text).await)
    }
    async fn send_secret(&mut self, which: wit::Secret) -> HostResult<()> {
        let which = match which {
            wit::Secret::Password => Secret::Password,
            wit::Secret::Enable => Secret::Enable,
        };
        on_device!(self, s => s.send_secret(which), s.send_secret(which).await)
    }
    async fn read_until(&mut self, regex: String, timeout_ms: Option<u32>) -> HostResult<String> {
        let t = timeout(timeout_ms);
        on_device!(self, s => s.read_until(&regex, t), s.read_until(&regex, t).await)
    }
    async fn exec(&mut self, line: String, timeout_ms: Option<u32>) -> HostResult<String> {
        let t = timeout(timeout_ms);
        on_device!(self, s => s.exec_with_timeout(&line, t), s.exec(&line, t).await)
    }
    async fn fetch_file(&mut self, path: String, timeout_ms: Option<u32>) -> HostResult<String> {
        let t = timeout(timeout_ms);
        on_device!(self, s => s.fetch_file(&path, t), s.fetch_file(&path, t).await)
    }
    async fn log(&mut self, level: wit::Level, mut message: String) -> wasmtime::Result<()> {
        if self.logs.len() >= MAX_LOGS {
            return Ok(());
        }
        truncate_at_char(&mut message, MAX_LOG_LINE);
        let level = match level {
            wit::Level::Trace => Level::Trace,
            wit::Level::Debug => Level::Debug,
            wit::Level::Info => Level::Info,
            wit::Level::Warn => Level::Warn,
            wit::Level::Error => Level::Error,
        };
        let device = &self.device;
        match level {
            Level::Trace => tracing::trace!(device, "{message}"),
            Level::Debug => tracing::debug!(device, "{message}"),
            Level::Info => tracing::info!(device, "{message}"),
            Level::Warn => tracing::warn!(device, "{message}"),
            Level::Error => tracing::error!(device, "{message}"),
        }
        if let Link::Local(s) = &mut self.link {
            s.log(level, &message);
        }
        self.logs.push((level, message));
        Ok(())
    }
    async fn report_panic(&mut self, mut message: String) -> wasmtime::Result<()> {
        truncate_at_char(&mut message, MAX_LOG_LINE);
        self.panic = Some(message);
        Ok(())
    }
}

/// A regex a driver holds: the host's compiled form, shared with every
/// other instance that compiled the same pattern.
pub struct DriverRegex(std::sync::Arc<regex::Regex>);

type Span = (u32, u32);

/// Offsets into a text the guest passed in, which fits its 32-bit memory.
fn span(start: usize, end: usize) -> Span {
    (
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

fn groups(spans: &[Option<(usize, usize)>]) -> Vec<Option<Span>> {
    spans.iter().map(|g| g.map(|(s, e)| span(s, e))).collect()
}

impl DeviceState {
    fn regex(
        &self,
        handle: &Resource<DriverRegex>,
    ) -> wasmtime::Result<std::sync::Arc<regex::Regex>> {
        Ok(self.table.get(handle)?.0.clone())
    }
}

impl text_host::HostRegex for DeviceState {
    fn compile(
        &mut self,
        pattern: String,
    ) -> wasmtime::Result<Result<Resource<DriverRegex>, String>> {
        if self.regexes >= MAX_REGEXES {
            return Ok(Err(format!("more than {MAX_REGEXES} regexes held at once")));
        }
        match native_text::compile(&pattern) {
            Ok(re) => {
                self.regexes += 1;
                Ok(Ok(self.table.push(DriverRegex(re))?))
            }
            Err(e) => Ok(Err(e)),
        }
    }
    fn is_match(&mut self, re: Resource<DriverRegex>, text: String) -> wasmtime::Result<bool> {
        Ok(self.regex(&re)?.is_match(&text))
    }
    fn find(&mut self, re: Resource<DriverRegex>, text: String) -> wasmtime::Result<Option<Span>> {
        Ok(self
            .regex(&re)?
            .find(&text)
            .map(|m| span(m.start(), m.end())))
    }
    fn find_all(&mut self, re: Resource<DriverRegex>, text: String) -> wasmtime::Result<Vec<Span>> {
        let re = self.regex(&re)?;
        let spans = native_text::find_all(&re, &text).map_err(wasmtime::Error::msg)?;
        Ok(spans.into_iter().map(|(s, e)| span(s, e)).collect())
    }
    fn captures(
        &mut self,
        re: Resource<DriverRegex>,
        text: String,
    ) -> wasmtime::Result<Option<Vec<Option<Span>>>> {
        Ok(self
            .regex(&re)?
            .captures(&text)
            .map(|c| groups(&native_text::groups(&c))))
    }
    fn captures_all(
        &mut self,
        re: Resource<DriverRegex>,
        text: String,
    ) -> wasmtime::Result<Vec<Vec<Option<Span>>>> {
        let re = self.regex(&re)?;
        let all = native_text::captures_all(&re, &text).map_err(wasmtime::Error::msg)?;
        Ok(all.iter().map(|g| groups(g)).collect())
    }
    fn replace(
        &mut self,
        re: Resource<DriverRegex>,
        text: String,
        replacement: String,
        limit: u32,
    ) -> wasmtime::Result<Option<String>> {
        let re = self.regex(&re)?;
        let replaced = native_text::replacen(&re, &text, limit as usize, &replacement)
            .map_err(wasmtime::Error::msg)?;
        Ok(match replaced {
            std::borrow::Cow::Owned(changed) => Some(changed),
            std::borrow::Cow::Borrowed(_) => None,
        })
    }
    fn drop(&mut self, re: Resource<DriverRegex>) -> wasmtime::Result<()> {
        self.table.delete(re)?;
        self.regexes = self.regexes.saturating_sub(1);
        Ok(())
    }
}

impl text_host::Host for DeviceState {
    fn rewrite(
        &mut self,
        text: String,
        rules: Vec<text_host::Rule>,
        scope: text_host::Scope,
    ) -> wasmtime::Result<Result<String, String>> {
        let rules: Vec<Rule<'_, String>> = rules
            .iter()
            .map(|r| Rule {
                needles: &r.needles,
                pattern: &r.pattern,
                replacement: &r.replacement,
            })
            .collect();
        let scope = match scope {
            text_host::Scope::Whole => Scope::Whole,
            text_host::Scope::Lines => Scope::Lines,
            text_host::Scope::BareLines => Scope::BareLines,
        };
        Ok(native_text::rewrite(&text, &rules, scope))
    }
    fn drop_lines(
        &mut self,
        text: String,
        patterns: Vec<String>,
    ) -> wasmtime::Result<Result<String, String>> {
        Ok(native_text::drop_lines(&text, &patterns))
    }
    fn lines_with(
        &mut self,
        text: String,
        needles: Vec<String>,
        ignore_ascii_case: bool,
    ) -> wasmtime::Result<Vec<Vec<u32>>> {
        Ok(native_text::lines_with(&text, &needles, ignore_ascii_case)
            .map_err(wasmtime::Error::msg)?
            .into_iter()
            .map(|lines| {
                lines
                    .into_iter()
                    .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                    .collect()
            })
            .collect())
    }
}

/// The clock drivers see: always the epoch. Drivers get no clock, so a
/// backup cannot depend on when it ran; timing is the host's job.
struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// WASI that grants nothing: no preopened directories, no environment, no
/// arguments, no network, no stdio, a frozen clock.
fn sealed_wasi() -> WasiCtx {
    WasiCtx::builder()
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        .build()
}

/// A driver instantiated for one device. Calls share one deadline; after a
/// trap or a timeout the instance refuses further calls.
pub struct DriverInstance {
    /// "name version", for messages.
    driver: String,
    store: Store<DeviceState>,
    bindings: std::sync::Arc<NetravenDriver>,
    /// The component instance, for the exports the required world does not
    /// name (the optional `login` interface).
    instance: wasmtime::component::Instance,
    deadline: Instant,
    budget: Duration,
    broken: Option<DeviceFailure>,
    _slot: OwnedSemaphorePermit,
}

fn wit_device(d: &Device) -> wit::Device {
    wit::Device {
        name: d.name.clone(),
        address: d.address.clone(),
        model: d.model.clone(),
        vars: d.vars.clone(),
    }
}

fn driver_error(e: wit::DriverError) -> DriverError {
    match e {
        wit::DriverError::Session(s) => DriverError::Session(from_wit(s)),
        wit::DriverError::Failed(m) => DriverError::Failed(m),
    }
}

impl DriverInstance {
    /// Take a pool slot (waiting if all are busy) and instantiate `driver`
    /// with the configured device deadline.
    pub async fn new(
        runtime: &Runtime,
        driver: &LoadedDriver,
        session: impl Into<Link>,
        device: &str,
    ) -> Result<DriverInstance, DeviceFailure> {
        Self::with_budget(runtime, driver, session, device, runtime.config.deadline()).await
    }

    /// [`DriverInstance::new`] with its own deadline. A driver the catalog
    /// knows only by the description `driver build` gave it is compiled
    /// (or taken from the cache) first, once, for whichever device needs
    /// it first.
    pub async fn with_budget(
        runtime: &Runtime,
        driver: &LoadedDriver,
        session: impl Into<Link>,
        device: &str,
        budget: Duration,
    ) -> Result<DriverInstance, DeviceFailure> {
        let pre = driver.prepare(runtime).await.map_err(|e| {
            DeviceFailure::new(
                ErrorClass::NoDriver,
                format!(
                    "driver {} ({}) did not load: {e}",
                    driver.info.name,
                    driver.file.display()
                ),
            )
        })?;
        Self::instantiate(runtime, pre, driver, session, device, budget).await
    }

    /// Instantiate the compiled `pre` of `driver`.
    pub(crate) async fn instantiate(
        runtime: &Runtime,
        pre: &NetravenDriverPre<DeviceState>,
        driver: &LoadedDriver,
        session: impl Into<Link>,
        device: &str,
        budget: Duration,
    ) -> Result<DriverInstance, DeviceFailure> {
        let slot = runtime.slots.clone().acquire_owned().await.map_err(|_| {
            DeviceFailure::new(ErrorClass::DriverTrap, "the driver pool is shut down")
        })?;
        let state = DeviceState {
            wasi: sealed_wasi(),
            table: ResourceTable::new(),
            link: session.into(),
            memory: MemoryCap {
                limit: runtime.config.memory_bytes(),
                hit: false,
            },
            device: device.to_string(),
            panic: None,
            in_host_call: false,
            device_waits: 0,
            logs: Vec::new(),
            regexes: 0,
        };
        let mut store = Store::new(&runtime.engine, state);
        store.limiter(|s| &mut s.memory);
        // When guest code has run for a whole epoch tick without waiting on
        // the device, hand the thread back to the event loop: `netraven`
        // runs every device on one thread by default, and a driver stuck in
        // a loop must not hold up the others (nor the database writer and
        // the job's heartbeat) until its deadline. A guest that waited on
        // the device since the last tick goes on without a yield, so the
        // usual driver pays nothing. A tick past the deadline, trap: the
        // tick of grace lets a driver whose session call just failed at the
        // deadline return that failure (a prompt timeout, the device's
        // fault) instead of being cut off as a driver trap.
        let deadline = Instant::now() + budget;
        let cutoff = deadline + super::EPOCH_TICK;
        let mut waits_seen = 0;
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |store| {
            if Instant::now() >= cutoff {
                return Ok(UpdateDeadline::Interrupt);
            }
            let waits = store.data().device_waits;
            if waits != waits_seen {
                waits_seen = waits;
                return Ok(UpdateDeadline::Continue(1));
            }
            Ok(UpdateDeadline::YieldCustom(
                1,
                Box::pin(tokio::task::yield_now()),
            ))
        });
        let cannot = |e: wasmtime::Error| {
            DeviceFailure::new(
                ErrorClass::DriverTrap,
                format!("driver {} cannot be instantiated: {e:#}", driver.info.name),
            )
        };
        let instance = pre
            .instance_pre()
            .instantiate_async(&mut store)
            .await
            .map_err(cannot)?;
        let bindings = NetravenDriver::new(&mut store, &instance).map_err(cannot)?;
        Ok(DriverInstance {
            driver: format!("{} {}", driver.info.name, driver.info.version),
            store,
            bindings: std::sync::Arc::new(bindings),
            instance,
            deadline,
            budget,
            broken: None,
            _slot: slot,
        })
    }

    /// What the driver logged so far.
    pub fn logs(&self) -> &[(Level, String)] {
        &self.store.data().logs
    }

    /// The instance's session, e.g. to take a recording before the driver
    /// is asked to redact it.
    pub fn link_mut(&mut self) -> &mut Link {
        &mut self.store.data_mut().link
    }

    /// End the instance and hand back its session (to close or inspect it).
    pub fn into_link(self) -> Link {
        self.store.into_data().link
    }

    pub async fn info(&mut self) -> Result<DriverInfo, DeviceFailure> {
        let bindings = self.bindings.clone();
        let info = self
            .guard(async |store| bindings.netraven_driver_driver().call_info(store).await)
            .await?;
        Ok(DriverInfo {
            name: info.name,
            version: info.version,
            models: info.models,
            prompt: info.prompt,
            comment_prefix: info.comment_prefix,
            mode: match info.mode {
                wit::Mode::Shell => Mode::Shell,
                wit::Mode::Exec => Mode::Exec,
            },
        })
    }

    /// The prompts the driver says its device asks for credentials with on
    /// a terminal login, from its optional `login` export (`contract`: the
    /// `netraven:driver` version it was built against); `None` for a driver
    /// built before the export existed.
    pub async fn login_prompts(
        &mut self,
        contract: &str,
    ) -> Result<Option<LoginPrompts>, DeviceFailure> {
        let instance = self.instance;
        let interface = format!("netraven:driver/login@{contract}");
        let Some(export) = instance.get_export_index(&mut self.store, None, &interface) else {
            return Ok(None);
        };
        let Some(func) = instance.get_export_index(&mut self.store, Some(&export), "prompts")
        else {
            return Ok(None);
        };
        let prompts = instance
            .get_typed_func::<(), (WitLoginPrompts,)>(&mut self.store, &func)
            .map_err(|e| {
                DeviceFailure::new(
                    ErrorClass::DriverError,
                    format!("driver {}: its login prompts: {e:#}", self.driver),
                )
            })?;
        let (got,) = self
            .guard(async |store| prompts.call_async(store, ()).await)
            .await?;
        Ok(Some(LoginPrompts {
            username: got.username,
            password: got.password,
        }))
    }

    pub async fn backup(&mut self, device: &Device) -> Result<Backup, DeviceFailure> {
        let bindings = self.bindings.clone();
        let device = wit_device(device);
        let result = self
            .guard(async |store| {
                bindings
                    .netraven_driver_driver()
                    .call_backup(store, &device)
                    .await
            })
            .await?;
        let backup = result.map_err(|e| DeviceFailure::from(driver_error(e)))?;
        Ok(Backup {
            config: backup.config,
            extras: backup.extras,
        })
    }

    pub async fn run(
        &mut self,
        device: &Device,
        commands: &[String],
    ) -> Result<Vec<CommandOutput>, DeviceFailure> {
        let bindings = self.bindings.clone();
        let device = wit_device(device);
        let result = self
            .guard(async |store| {
                bindings
                    .netraven_driver_driver()
                    .call_run(store, &device, commands)
                    .await
            })
            .await?;
        let outputs = result.map_err(|e| DeviceFailure::from(driver_error(e)))?;
        Ok(outputs
            .into_iter()
            .map(|o| CommandOutput {
                command: o.command,
                output: o.output,
            })
            .collect())
    }

    pub async fn redact(&mut self, config: &str) -> Result<String, DeviceFailure> {
        let bindings = self.bindings.clone();
        self.guard(async |store| {
            bindings
                .netraven_driver_driver()
                .call_redact(store, config)
                .await
        })
        .await
    }

    pub async fn significant(&mut self, config: &str) -> Result<String, DeviceFailure> {
        let bindings = self.bindings.clone();
        self.guard(async |store| {
            bindings
                .netraven_driver_driver()
                .call_significant(store, config)
                .await
        })
        .await
    }

    /// Run one export under the deadline and turn traps into failures.
    async fn guard<T>(
        &mut self,
        call: impl AsyncFnOnce(&mut Store<DeviceState>) -> wasmtime::Result<T>,
    ) -> Result<T, DeviceFailure> {
        if let Some(failure) = &self.broken {
            return Err(failure.clone());
        }
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        let outcome = tokio::time::timeout(remaining, call(&mut self.store)).await;
        let failure = match outcome {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(trap)) => self.classify_trap(&trap),
            Err(_elapsed) => {
                let waited = self.budget.as_secs_f64();
                if self.store.data().in_host_call {
                    DeviceFailure::new(
                        ErrorClass::PromptTimeout,
                        format!(
                            "the device deadline of {waited:.1}s passed while waiting for the device"
                        ),
                    )
                } else {
                    DeviceFailure::new(
                        ErrorClass::DriverTrap,
                        format!(
                            "driver {} ran past the device deadline of {waited:.1}s",
                            self.driver
                        ),
                    )
                }
            }
        };
        self.broken = Some(failure.clone());
        Err(failure)
    }

    fn classify_trap(&self, error: &wasmtime::Error) -> DeviceFailure {
        let state = self.store.data();
        let driver = &self.driver;
        // The sandbox's own stops come first: a driver cannot dress up a
        // deadline or the memory cap as a panic.
        if state.memory.hit {
            return DeviceFailure::new(
                ErrorClass::DriverTrap,
                format!(
                    "driver {driver} stopped at its memory cap of {} MiB",
                    state.memory.limit / (1024 * 1024)
                ),
            );
        }
        let trap = error.downcast_ref::<Trap>();
        if trap == Some(&Trap::Interrupt) {
            return DeviceFailure::new(
                ErrorClass::DriverTrap,
                format!(
                    "driver {driver} stopped at the device deadline of {:.1}s",
                    self.budget.as_secs_f64()
                ),
            );
        }
        if let Some(panic) = &state.panic {
            return DeviceFailure::new(
                ErrorClass::DriverError,
                format!("driver {driver} panicked: {panic}"),
            );
        }
        match trap {
            Some(trap) => DeviceFailure::new(
                ErrorClass::DriverTrap,
                format!("driver {driver} trapped: {trap}"),
            ),
            None => {
                // Keep the first line: the wasm backtrace that follows is for
                // driver authors (NETRAVEN_LOG=debug shows it).
                let text = format!("{error:#}");
                tracing::debug!(driver, "driver failure: {text}");
                let first = text.lines().next().unwrap_or("unknown error").to_string();
                DeviceFailure::new(
                    ErrorClass::DriverTrap,
                    format!("driver {driver} failed: {first}"),
                )
            }
        }
    }
}

/// The `login` interface's `login-prompts` record, as the host reads it.
#[derive(wasmtime::component::ComponentType, wasmtime::component::Lift)]
#[component(record)]
struct WitLoginPrompts {
    username: String,
    password: String,
}
