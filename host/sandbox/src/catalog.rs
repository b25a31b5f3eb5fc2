//! The drivers directory: every `*.wasm` in it is checked, precompiled (or
//! loaded from the cache) and asked for its `info()`. A broken or
//! incompatible file is reported by name and skipped; it never stops the
//! other drivers from loading.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netraven_driver_sdk::{DriverInfo, LoginPrompts, SessionError};
use netraven_session::DeviceFailure;
use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::cache::{CacheError, ComponentCache, Origin};
use super::instance::{DriverInstance, NoDevice};
use super::{CONTRACT_VERSION, NetravenDriverPre, Runtime};

/// Deadline for the `info()` call made while loading a driver.
const LOAD_BUDGET: Duration = Duration::from_secs(5);

/// A driver ready to instantiate.
pub struct LoadedDriver {
    pub info: DriverInfo,
    pub file: PathBuf,
    pub sha256: String,
    /// The `netraven:driver` version the driver was built against.
    pub contract: String,
    pub origin: Origin,
    pub load_time: Duration,
    pub pre: NetravenDriverPre<super::DeviceState>,
    /// How its device asks for credentials on a terminal login (telnet):
    /// what the driver declares, or the SDK's defaults for a driver built
    /// before drivers could.
    pub login: LoginPrompts,
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
    /// Load every `*.wasm` directly inside `dir`, in file-name order.
    pub async fn load_dir(runtime: &Runtime, dir: &Path) -> Result<Catalog, LoadProblem> {
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
            catalog.add_file(runtime, &file).await;
        }
        Ok(catalog)
    }

    /// Load one file; a problem is recorded, not returned.
    pub async fn add_file(&mut self, runtime: &Runtime, file: &Path) {
        match load(runtime, file).await {
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

async fn load(runtime: &Runtime, file: &Path) -> Result<LoadedDriver, LoadError> {
    let started = Instant::now();
    let wasm = std::fs::read(file).map_err(LoadError::Read)?;
    check_header(&wasm)?;
    let sha256 = sha256_hex(&wasm);
    let cache = ComponentCache::new(&runtime.engine, &runtime.config.cache_dir);
    let (component, origin) = cache.load(&runtime.engine, &wasm, &sha256)?;
    let contract = contract_version(runtime, &component)?;
    let pre = runtime
        .linker
        .instantiate_pre(&component)
        .map_err(|e| LoadError::Imports(format!("{e:#}")))?;
    let pre = NetravenDriverPre::new(pre).map_err(|e| LoadError::World(format!("{e:#}")))?;
    let mut driver = LoadedDriver {
        info: DriverInfo::shell("", "", &[], "", ""),
        file: file.to_path_buf(),
        sha256,
        contract,
        origin,
        load_time: Duration::ZERO,
        pre,
        login: LoginPrompts::default(),
    };
    // `info()` is pure: it gets a short budget so a spinning driver cannot
    // stall start-up for a whole device deadline.
    let budget = runtime.config.deadline().min(LOAD_BUDGET);
    let mut instance =
        DriverInstance::with_budget(runtime, &driver, Box::new(NoDevice), "load", budget)
            .await
            .map_err(LoadError::Instantiate)?;
    driver.info = instance.info().await.map_err(LoadError::Info)?;
    if driver.info.name.is_empty() || driver.info.models.is_empty() {
        return Err(LoadError::Unnamed);
    }
    netraven_driver_sdk::harness::engine::compile(&driver.info.prompt)
        .map_err(LoadError::Prompt)?;
    if let Some(login) = instance
        .login_prompts(&driver.contract)
        .await
        .map_err(LoadError::Info)?
    {
        for pattern in [&login.username, &login.password] {
            netraven_driver_sdk::harness::engine::compile(pattern)
                .map_err(LoadError::LoginPrompt)?;
        }
        driver.login = login;
    }
    driver.load_time = started.elapsed();
    Ok(driver)
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
    use super::compatible;

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
