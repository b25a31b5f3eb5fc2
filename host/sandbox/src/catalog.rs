//! The drivers directory: every `*.wasm` in it is checked, precompiled (or
//! loaded from the cache) and asked for its `info()`. A broken or
//! incompatible file is reported by name and skipped; it never stops the
//! other drivers from loading.
//!
//! `netraven driver build` writes what `info()` said into the file it
//! installs, as a custom section ([`INFO_SECTION`]). A job reads the
//! drivers directory with [`Catalog::index_dir`]: a described driver is
//! routed to by that description and compiled only when a device first
//! needs it, so a job over one model does not compile fifty drivers before
//! its first device (after an upgrade of `netraven`, or with the cache
//! emptied). The first instance checks the description against the
//! driver's own `info()`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netraven_driver_sdk::{DriverInfo, LoginPrompts, Mode, SessionError};
use netraven_session::DeviceFailure;
use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::cache::{CacheError, ComponentCache, Origin};
use super::instance::{DriverInstance, NoDevice};
use super::lock::Pin;
use super::{CONTRACT_VERSION, NetravenDriverPre, Runtime};

/// Deadline for the `info()` call made while loading a driver.
const LOAD_BUDGET: Duration = Duration::from_secs(5);

/// The custom section `netraven driver build` adds to each driver it
/// installs: what the driver's `info()` and login prompts gave, as JSON.
pub const INFO_SECTION: &str = "netraven-driver-info";

/// A driver ready to instantiate (or, when known by its description, to
/// compile on first use).
pub struct LoadedDriver {
    pub info: DriverInfo,
    pub file: PathBuf,
    pub sha256: String,
    /// The `netraven:driver` version the driver was built against.
    pub contract: String,
    /// Compiled or taken from the cache at load; `Described` when only its
    /// description was read (it is compiled when a device needs it).
    pub origin: Origin,
    pub load_time: Duration,
    /// How its device asks for credentials on a terminal login (telnet):
    /// what the driver declares, or the SDK's defaults for a driver built
    /// before drivers could.
    pub login: LoginPrompts,
    ready: tokio::sync::OnceCell<NetravenDriverPre<super::DeviceState>>,
}

/// A driver's description in its [`INFO_SECTION`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Description {
    contract: String,
    name: String,
    version: String,
    models: Vec<String>,
    prompt: String,
    comment_prefix: String,
    exec: bool,
    login_username: String,
    login_password: String,
}

impl Description {
    fn of(driver: &LoadedDriver) -> Description {
        Description {
            contract: driver.contract.clone(),
            name: driver.info.name.clone(),
            version: driver.info.version.clone(),
            models: driver.info.models.clone(),
            prompt: driver.info.prompt.clone(),
            comment_prefix: driver.info.comment_prefix.clone(),
            exec: driver.info.mode == Mode::Exec,
            login_username: driver.login.username.clone(),
            login_password: driver.login.password.clone(),
        }
    }

    fn info(&self) -> DriverInfo {
        DriverInfo {
            name: self.name.clone(),
            version: self.version.clone(),
            models: self.models.clone(),
            prompt: self.prompt.clone(),
            comment_prefix: self.comment_prefix.clone(),
            mode: if self.exec { Mode::Exec } else { Mode::Shell },
        }
    }
}

impl LoadedDriver {
    /// The compiled driver, if it has been compiled (or taken from the
    /// cache) yet.
    pub fn compiled(&self) -> Option<&NetravenDriverPre<super::DeviceState>> {
        self.ready.get()
    }

    /// The compiled driver: compiled (or taken from the cache) on the
    /// first call for a driver known by its description, whose
    /// description must then match what its `info()` says.
    pub(crate) async fn prepare(
        &self,
        runtime: &Runtime,
    ) -> Result<&NetravenDriverPre<super::DeviceState>, LoadError> {
        self.ready
            .get_or_try_init(|| async {
                let wasm = std::fs::read(&self.file).map_err(LoadError::Read)?;
                if sha256_hex(&wasm) != self.sha256 {
                    return Err(LoadError::Changed);
                }
                let engine = runtime.engine.clone();
                let cache_dir = runtime.config.cache_dir.clone();
                let sha256 = self.sha256.clone();
                // Compiling takes a tenth of a second or more: off the event
                // loop, where other devices are talking.
                let (component, _) = tokio::task::spawn_blocking(move || {
                    ComponentCache::new(&engine, &cache_dir).load(&engine, &wasm, &sha256)
                })
                .await
                .map_err(|e| LoadError::Cache(CacheError::Compile(e.to_string())))??;
                let pre = prepared(runtime, &component)?;
                let (info, login) = self_report(runtime, &pre, self).await?;
                if info != self.info || login.unwrap_or_default() != self.login {
                    return Err(LoadError::Description {
                        section: INFO_SECTION,
                    });
                }
                Ok(pre)
            })
            .await
    }
}

/// Why no loaded driver serves a model name, with the closest models that
/// are loaded (comma-separated) where that helps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownModel {
    #[error(
        "the Netmiko device type for model {model:?}, whose driver is not loaded (closest models: {closest})"
    )]
    AliasNotLoaded { model: String, closest: String },
    #[error("a Netmiko device type no NetRaven driver serves yet (closest models: {closest})")]
    NetmikoWithoutDriver { closest: String },
    #[error(
        "a Netmiko telnet device type: give the model {ssh:?} stands for with transport = \"telnet\" (devices add and import do this themselves)"
    )]
    NetmikoTelnet { ssh: String },
    #[error("no driver serves it (closest models: {closest})")]
    NoDriver { closest: String },
}

/// A `.wasm` file (or the drivers directory) that did not load, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {error}", file.display())]
pub struct LoadProblem {
    pub file: PathBuf,
    pub error: LoadError,
}

/// Why a driver did not load. Each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the drivers directory: {0}")]
    Dir(std::io::Error),
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error(
        "is a core wasm module, not a component; build it with `netraven driver build` (target wasm32-wasip2)"
    )]
    CoreModule,
    #[error("is not a WebAssembly component (no \\0asm header)")]
    NotComponent,
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(
        "not a NetRaven driver: it exports no netraven:driver/driver interface (exports: {exports})"
    )]
    NotADriver { exports: String },
    #[error(
        "built against contract netraven:driver@{driver}, but this host runs netraven:driver@{host}; rebuild the driver with a matching netraven-driver-sdk"
    )]
    Contract { driver: String, host: &'static str },
    #[error("needs imports this host does not provide: {0}")]
    Imports(String),
    #[error("does not match the netraven:driver world: {0}")]
    World(String),
    #[error(transparent)]
    Instantiate(DeviceFailure),
    #[error("info() failed: {0}")]
    Info(DeviceFailure),
    #[error("info() must give a name and at least one model")]
    Unnamed,
    #[error("info() prompt: {0}")]
    Prompt(SessionError),
    #[error("login prompts: {0}")]
    LoginPrompt(SessionError),
    #[error(
        "its {section} section does not match what its info() says; install it again with `netraven driver build`"
    )]
    Description { section: &'static str },
    #[error("changed on disk since the drivers were loaded; run the job again")]
    Changed,
    #[error(
        "refused: its sha256 is {actual}, but {} pins {locked}; if you trust this file, run `netraven drivers lock` again",
        lock.display()
    )]
    NotAsLocked {
        lock: PathBuf,
        locked: String,
        actual: String,
    },
    #[error(
        "refused: {} does not pin it (sha256 {actual}); if you trust this file, run `netraven drivers lock` again",
        lock.display()
    )]
    NotLocked { lock: PathBuf, actual: String },
    #[error("driver name {name:?} is already taken by {}; skipped", other.display())]
    NameTaken { name: String, other: PathBuf },
    #[error(
        "model {model:?} is also claimed by driver {owner} ({}); devices of that model use {owner}",
        owner_file.display()
    )]
    ModelClaimed {
        model: String,
        owner: String,
        owner_file: PathBuf,
    },
}

/// The loaded drivers, looked up by model.
#[derive(Default)]
pub struct Catalog {
    pub drivers: Vec<LoadedDriver>,
    pub problems: Vec<LoadProblem>,
}

impl Catalog {
    /// Load every `*.wasm` directly inside `dir`, in file-name order,
    /// compiling each (or taking it from the cache).
    pub async fn load_dir(runtime: &Runtime, dir: &Path) -> Result<Catalog, LoadProblem> {
        Self::read_dir(runtime, dir, Compile::Now).await
    }

    /// Like [`Catalog::load_dir`], but a driver described by `driver build`
    /// is only read: it is compiled when a device first needs it.
    pub async fn index_dir(runtime: &Runtime, dir: &Path) -> Result<Catalog, LoadProblem> {
        Self::read_dir(runtime, dir, Compile::WhenNeeded).await
    }

    async fn read_dir(
        runtime: &Runtime,
        dir: &Path,
        when: Compile,
    ) -> Result<Catalog, LoadProblem> {
        let entries = std::fs::read_dir(dir).map_err(|e| LoadProblem {
            file: dir.to_path_buf(),
            error: LoadError::Dir(e),
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        files.sort();
        let mut catalog = Catalog::default();
        for file in files {
            catalog.add(runtime, &file, when).await;
        }
        Ok(catalog)
    }

    /// Load one file; a problem is recorded, not returned.
    pub async fn add_file(&mut self, runtime: &Runtime, file: &Path) {
        self.add(runtime, file, Compile::Now).await;
    }

    async fn add(&mut self, runtime: &Runtime, file: &Path, when: Compile) {
        match load(runtime, file, when).await {
            Ok(driver) => {
                if let Some(other) = self
                    .drivers
                    .iter()
                    .find(|d| d.info.name == driver.info.name)
                {
                    self.problems.push(LoadProblem {
                        file: file.to_path_buf(),
                        error: LoadError::NameTaken {
                            name: driver.info.name.clone(),
                            other: other.file.clone(),
                        },
                    });
                    return;
                }
                for model in &driver.info.models {
                    if let Some(owner) = self.serving(model) {
                        self.problems.push(LoadProblem {
                            file: file.to_path_buf(),
                            error: LoadError::ModelClaimed {
                                model: model.clone(),
                                owner: owner.info.name.clone(),
                                owner_file: owner.file.clone(),
                            },
                        });
                    }
                }
                self.drivers.push(driver);
            }
            Err(error) => self.problems.push(LoadProblem {
                file: file.to_path_buf(),
                error,
            }),
        }
    }

    /// The driver for `model`, for a driver name given instead, or for a
    /// Netmiko device type that stands for one of our models.
    pub fn for_model(&self, model: &str) -> Option<&LoadedDriver> {
        self.serving(model).or_else(|| self.by_name(model)).or_else(
            || match crate::aliases::netmiko(model) {
                crate::aliases::Alias::Model(ours) => self.serving(ours),
                _ => None,
            },
        )
    }

    /// The model `name` stands for: itself when a driver serves it, ours
    /// for a Netmiko device type (`cisco_ios` is `ios`). The error says
    /// why there is none, with the closest models loaded.
    pub fn canonical_model(&self, name: &str) -> Result<String, UnknownModel> {
        if self.serving(name).is_some() || self.by_name(name).is_some() {
            return Ok(name.to_string());
        }
        let mut models: Vec<&str> = self
            .drivers
            .iter()
            .flat_map(|d| d.info.models.iter().map(String::as_str))
            .collect();
        models.sort_unstable();
        let closest = crate::aliases::closest(name, &models).join(", ");
        match crate::aliases::netmiko(name) {
            crate::aliases::Alias::Model(ours) if self.serving(ours).is_some() => {
                Ok(ours.to_string())
            }
            crate::aliases::Alias::Model(ours) => Err(UnknownModel::AliasNotLoaded {
                model: ours.to_string(),
                closest,
            }),
            crate::aliases::Alias::NoDriver => Err(UnknownModel::NetmikoWithoutDriver { closest }),
            crate::aliases::Alias::Telnet(ssh) => Err(UnknownModel::NetmikoTelnet {
                ssh: ssh.to_string(),
            }),
            crate::aliases::Alias::Unknown => Err(UnknownModel::NoDriver { closest }),
        }
    }

    /// A Netmiko telnet device type (`cisco_ios_telnet`) as the model its
    /// SSH type stands for (`ios`); `None` for any other name.
    pub fn netmiko_telnet_model(&self, name: &str) -> Option<Result<String, UnknownModel>> {
        match crate::aliases::netmiko(name) {
            crate::aliases::Alias::Telnet(ssh) => Some(self.canonical_model(&ssh)),
            _ => None,
        }
    }

    /// The driver whose models include `model`.
    fn serving(&self, model: &str) -> Option<&LoadedDriver> {
        self.drivers
            .iter()
            .find(|d| d.info.models.iter().any(|m| m == model))
    }

    pub fn by_name(&self, name: &str) -> Option<&LoadedDriver> {
        self.drivers.iter().find(|d| d.info.name == name)
    }
}

/// Say plainly what a file is when it is not a component, before wasmtime
/// gives a parser error.
fn check_header(wasm: &[u8]) -> Result<(), LoadError> {
    match wasm.get(..8) {
        Some([0, b'a', b's', b'm', 0x0d, 0, 1, 0]) => Ok(()),
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => Err(LoadError::CoreModule),
        _ => Err(LoadError::NotComponent),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether a described driver is compiled at load or when first needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compile {
    Now,
    WhenNeeded,
}

async fn load(runtime: &Runtime, file: &Path, when: Compile) -> Result<LoadedDriver, LoadError> {
    let started = Instant::now();
    let wasm = std::fs::read(file).map_err(LoadError::Read)?;
    check_header(&wasm)?;
    let sha256 = sha256_hex(&wasm);
    if let Some(lock) = &runtime.lock {
        match lock.pin(file, &sha256) {
            Pin::Locked => {}
            Pin::Changed { locked } => {
                return Err(LoadError::NotAsLocked {
                    lock: lock.path.clone(),
                    locked,
                    actual: sha256,
                });
            }
            Pin::Missing => {
                return Err(LoadError::NotLocked {
                    lock: lock.path.clone(),
                    actual: sha256,
                });
            }
        }
    }
    if when == Compile::WhenNeeded
        && let Some(description) = custom_section(&wasm, INFO_SECTION)
            .and_then(|d| serde_json::from_slice::<Description>(d).ok())
        && compatible(&description.contract, CONTRACT_VERSION)
    {
        let info = description.info();
        check_info(&info)?;
        let login = LoginPrompts {
            username: description.login_username.clone(),
            password: description.login_password.clone(),
        };
        check_login(&login)?;
        return Ok(LoadedDriver {
            info,
            file: file.to_path_buf(),
            sha256,
            contract: description.contract,
            origin: Origin::Described,
            load_time: started.elapsed(),
            login,
            ready: tokio::sync::OnceCell::new(),
        });
    }
    let cache = ComponentCache::new(&runtime.engine, &runtime.config.cache_dir);
    let (component, origin) = cache.load(&runtime.engine, &wasm, &sha256)?;
    let contract = contract_version(runtime, &component)?;
    let pre = prepared(runtime, &component)?;
    let mut driver = LoadedDriver {
        info: DriverInfo::shell("", "", &[], "", ""),
        file: file.to_path_buf(),
        sha256,
        contract,
        origin,
        load_time: Duration::ZERO,
        login: LoginPrompts::default(),
        ready: tokio::sync::OnceCell::new(),
    };
    let (info, login) = self_report(runtime, &pre, &driver).await?;
    driver.info = info;
    if let Some(login) = login {
        check_login(&login)?;
        driver.login = login;
    }
    // A description that disagrees with the driver is refused here too,
    // so that `drivers list` says so before a job does.
    if let Some(section) = custom_section(&wasm, INFO_SECTION) {
        let agrees = serde_json::from_slice::<Description>(section)
            .is_ok_and(|d| d == Description::of(&driver));
        if !agrees {
            return Err(LoadError::Description {
                section: INFO_SECTION,
            });
        }
    }
    let _ = driver.ready.set(pre);
    driver.load_time = started.elapsed();
    Ok(driver)
}

/// What the compiled `driver` says of itself: its `info()` (checked), and its login
/// prompts when it declares them (`None` for a driver built before it
/// could). `info()` is pure: it gets a short budget, so a spinning driver
/// cannot stall start-up for a whole device deadline.
async fn self_report(
    runtime: &Runtime,
    pre: &NetravenDriverPre<super::DeviceState>,
    driver: &LoadedDriver,
) -> Result<(DriverInfo, Option<LoginPrompts>), LoadError> {
    let budget = runtime.config.deadline().min(LOAD_BUDGET);
    let mut instance =
        DriverInstance::instantiate(runtime, pre, driver, Box::new(NoDevice), "load", budget)
            .await
            .map_err(LoadError::Instantiate)?;
    let info = instance.info().await.map_err(LoadError::Info)?;
    check_info(&info)?;
    let login = instance
        .login_prompts(&driver.contract)
        .await
        .map_err(LoadError::Info)?;
    Ok((info, login))
}

/// The component checked against the contract and ready to instantiate.
fn prepared(
    runtime: &Runtime,
    component: &Component,
) -> Result<NetravenDriverPre<super::DeviceState>, LoadError> {
    let pre = runtime
        .linker
        .instantiate_pre(component)
        .map_err(|e| LoadError::Imports(format!("{e:#}")))?;
    NetravenDriverPre::new(pre).map_err(|e| LoadError::World(format!("{e:#}")))
}

fn check_info(info: &DriverInfo) -> Result<(), LoadError> {
    if info.name.is_empty() || info.models.is_empty() {
        return Err(LoadError::Unnamed);
    }
    netraven_driver_sdk::harness::engine::compile(&info.prompt).map_err(LoadError::Prompt)?;
    Ok(())
}

fn check_login(login: &LoginPrompts) -> Result<(), LoadError> {
    for pattern in [&login.username, &login.password] {
        netraven_driver_sdk::harness::engine::compile(pattern).map_err(LoadError::LoginPrompt)?;
    }
    Ok(())
}

/// Write `driver`'s description into its file as an [`INFO_SECTION`]
/// (replacing the file atomically), and file its compiled form in the
/// cache under the new file's sha256: a custom section changes no code.
/// A file that already has the section is left as it is.
pub fn describe(runtime: &Runtime, driver: &LoadedDriver) -> Result<(), LoadError> {
    let mut wasm = std::fs::read(&driver.file).map_err(LoadError::Read)?;
    if custom_section(&wasm, INFO_SECTION).is_some() {
        return Ok(());
    }
    let Some(pre) = driver.compiled() else {
        return Ok(());
    };
    let description = serde_json::to_vec(&Description::of(driver))
        .map_err(|e| LoadError::Read(std::io::Error::other(e)))?;
    append_custom_section(&mut wasm, INFO_SECTION, &description);
    let partial = driver.file.with_extension("wasm.partial");
    std::fs::write(&partial, &wasm).map_err(LoadError::Read)?;
    std::fs::rename(&partial, &driver.file).map_err(LoadError::Read)?;
    if let Ok(compiled) = pre.instance_pre().component().serialize() {
        let cache = ComponentCache::new(&runtime.engine, &runtime.config.cache_dir);
        cache.store_entry(&sha256_hex(&wasm), &compiled)?;
        // The entry of the file as it was before is nobody's now.
        let _ = std::fs::remove_file(cache.entry(&driver.sha256));
    }
    Ok(())
}

/// The payload of the custom section `name` of a wasm module or component:
/// sections are an id byte, a LEB128 size and the body; a custom section
/// (id 0) starts its body with its name.
fn custom_section<'a>(wasm: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut rest = wasm.get(8..)?;
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, used) = leb128(after_id)?;
        let body = after_id.get(used..used.checked_add(size)?)?;
        if id == 0 {
            let (length, used) = leb128(body)?;
            let found = body.get(used..used.checked_add(length)?)?;
            if found == name.as_bytes() {
                return body.get(used + length..);
            }
        }
        rest = &after_id[used + size..];
    }
    None
}

fn append_custom_section(wasm: &mut Vec<u8>, name: &str, payload: &[u8]) {
    let mut body = Vec::with_capacity(name.len() + payload.len() + 5);
    push_leb128(&mut body, name.len());
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    wasm.push(0);
    push_leb128(wasm, body.len());
    wasm.extend_from_slice(&body);
}

/// An unsigned LEB128 number (at most 32 bits) and the bytes it took.
fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return usize::try_from(value).ok().map(|v| (v, i + 1));
        }
    }
    None
}

fn push_leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The `netraven:driver` version in the component's export names, checked
/// against [`CONTRACT_VERSION`]: a host runs drivers of its own major
/// version built against an equal or older minor (the contract only grows
/// within a major version, see wit/driver.wit). A newer minor may call
/// functions this host lacks, and another major is a different contract.
fn contract_version(runtime: &Runtime, component: &Component) -> Result<String, LoadError> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(&runtime.engine)
        .map(|(name, _)| name.to_string())
        .collect();
    let Some(version) = exports
        .iter()
        .find_map(|n| n.strip_prefix("netraven:driver/driver@"))
    else {
        return Err(LoadError::NotADriver {
            exports: if exports.is_empty() {
                "none".to_string()
            } else {
                exports.join(", ")
            },
        });
    };
    if compatible(version, CONTRACT_VERSION) {
        Ok(version.to_string())
    } else {
        Err(LoadError::Contract {
            driver: version.to_string(),
            host: CONTRACT_VERSION,
        })
    }
}

fn parts(v: &str) -> Option<(u64, u64, u64)> {
    let mut it = v.split(['.', '-', '+']).map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn compatible(driver: &str, host: &str) -> bool {
    match (parts(driver), parts(host)) {
        (Some((dmaj, dmin, _)), Some((hmaj, hmin, _))) => dmaj == hmaj && dmin <= hmin,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{append_custom_section, compatible, custom_section, leb128};

    /// A component header and one (empty) core-module section.
    const COMPONENT: &[u8] = &[0, b'a', b's', b'm', 0x0d, 0, 1, 0, 1, 0];

    #[test]
    fn a_custom_section_is_found_by_name_after_other_sections() {
        let mut wasm = COMPONENT.to_vec();
        append_custom_section(&mut wasm, "other", b"x");
        // A payload past 127 bytes takes a two-byte size.
        let payload = vec![b'a'; 300];
        append_custom_section(&mut wasm, "netraven-driver-info", &payload);
        assert_eq!(
            custom_section(&wasm, "netraven-driver-info"),
            Some(&payload[..])
        );
        assert_eq!(custom_section(&wasm, "other"), Some(&b"x"[..]));
        assert_eq!(custom_section(&wasm, "missing"), None);
        assert_eq!(custom_section(COMPONENT, "netraven-driver-info"), None);
    }

    #[test]
    fn a_truncated_section_is_not_read_past_the_end() {
        let mut wasm = COMPONENT.to_vec();
        append_custom_section(&mut wasm, "netraven-driver-info", b"{}");
        for cut in 8..wasm.len() {
            assert_eq!(custom_section(&wasm[..cut], "netraven-driver-info"), None);
        }
        assert_eq!(leb128(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), None);
        assert_eq!(leb128(&[0xac, 0x02]), Some((300, 2)));
    }

    #[test]
    fn old_minor_loads_new_minor_and_other_major_do_not() {
        assert!(compatible("0.1.0", "0.1.0"));
        assert!(compatible("0.1.3", "0.1.0"));
        assert!(compatible("0.1.0", "0.2.0"));
        assert!(!compatible("0.2.0", "0.1.0"));
        assert!(!compatible("9.0.0", "0.1.0"));
        assert!(compatible("1.0.0", "1.2.0"));
        assert!(!compatible("1.3.0", "1.2.0"));
        assert!(!compatible("garbage", "0.1.0"));
    }
}
