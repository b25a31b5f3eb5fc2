//! Glue between the WIT bindings and the [`Driver`] trait. Authors use
//! [`export_driver!`](crate::export_driver) and never touch this module.

use std::time::Duration;

use crate::driver::{Backup, Device, Driver, DriverError, DriverInfo, Mode};
use crate::session::{Level, Secret, Session, SessionError};

#[allow(clippy::all, unsafe_code)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "netraven-driver-login",
        pub_export_macro: true,
        export_macro_name: "__export_netraven_driver",
        runtime_path: "::netraven_driver_sdk::guest::wit_bindgen_rt",
        // Import parameters borrow (`&[&str]`, a rule record of `&str`s):
        // the SDK passes drivers' static rule lists without copying each
        // string into an owned one first.
        ownership: Borrowing {
            duplicate_if_necessary: false
        },
    });
}

/// Re-exported so driver crates need no direct wit-bindgen dependency.
#[doc(hidden)]
pub use wit_bindgen::rt as wit_bindgen_rt;

use bindings::netraven::driver::session as host;
use bindings::netraven::driver::types as wit;

/// The session backed by the host's imports.
pub struct HostSession;

fn timeout_ms(timeout: Option<Duration>) -> Option<u32> {
    timeout.map(|t| u32::try_from(t.as_millis()).unwrap_or(u32::MAX))
}

impl From<wit::SessionError> for SessionError {
    fn from(e: wit::SessionError) -> Self {
        match e {
            wit::SessionError::Timeout(m) => SessionError::Timeout(m),
            wit::SessionError::Closed(m) => SessionError::Closed(m),
            wit::SessionError::Rejected(m) => SessionError::Rejected(m),
            wit::SessionError::InvalidRegex(m) => SessionError::InvalidRegex(m),
            wit::SessionError::Unsupported(m) => SessionError::Unsupported(m),
        }
    }
}

impl From<SessionError> for wit::SessionError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Timeout(m) => wit::SessionError::Timeout(m),
            SessionError::Closed(m) => wit::SessionError::Closed(m),
            SessionError::Rejected(m) => wit::SessionError::Rejected(m),
            SessionError::InvalidRegex(m) => wit::SessionError::InvalidRegex(m),
            SessionError::Unsupported(m) => wit::SessionError::Unsupported(m),
        }
    }
}

impl Session for HostSession {
    fn set_prompt(&mut self, regex: &str) -> Result<(), SessionError> {
        Ok(host::set_prompt(regex)?)
    }
    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError> {
        Ok(host::on_pattern(regex, reply)?)
    }
    fn clear_patterns(&mut self) {
        host::clear_patterns()
    }
    fn set_newline(&mut self, newline: &str) {
        host::set_newline(newline)
    }
    fn strip_ansi(&mut self, on: bool) {
        host::strip_ansi(on)
    }
    fn command_with_timeout(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Ok(host::command(line, timeout_ms(timeout))?)
    }
    fn send(&mut self, text: &str) -> Result<(), SessionError> {
        Ok(host::send(text)?)
    }
    fn send_secret(&mut self, which: Secret) -> Result<(), SessionError> {
        let which = match which {
            Secret::Password => wit::Secret::Password,
            Secret::Enable => wit::Secret::Enable,
        };
        Ok(host::send_secret(which)?)
    }
    fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Ok(host::read_until(regex, timeout_ms(timeout))?)
    }
    fn exec_with_timeout(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Ok(host::exec(line, timeout_ms(timeout))?)
    }
    fn fetch_file(
        &mut self,
        path: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Ok(host::fetch_file(path, timeout_ms(timeout))?)
    }
    fn log(&mut self, level: Level, message: &str) {
        let level = match level {
            Level::Trace => wit::Level::Trace,
            Level::Debug => wit::Level::Debug,
            Level::Info => wit::Level::Info,
            Level::Warn => wit::Level::Warn,
            Level::Error => wit::Level::Error,
        };
        host::log(level, message)
    }
}

/// Forward panics to the host, so the job log says what went wrong instead
/// of a bare "unreachable" trap.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| host::report_panic(&info.to_string())));
    });
}

fn device(d: wit::Device) -> Device {
    Device {
        name: d.name,
        address: d.address,
        model: d.model,
        vars: d.vars,
    }
}

fn driver_error(e: DriverError) -> wit::DriverError {
    match e {
        DriverError::Session(e) => wit::DriverError::Session(e.into()),
        DriverError::Failed(m) => wit::DriverError::Failed(m),
    }
}

pub fn info<D: Driver>() -> wit::DriverInfo {
    install_panic_hook();
    let DriverInfo {
        name,
        version,
        models,
        prompt,
        comment_prefix,
        mode,
    } = D::info();
    wit::DriverInfo {
        name,
        version,
        models,
        prompt,
        comment_prefix,
        mode: match mode {
            Mode::Shell => wit::Mode::Shell,
            Mode::Exec => wit::Mode::Exec,
        },
    }
}

/// Log out; a failure only gets a log line (the work is done).
fn logout<D: Driver>(device: &Device) {
    if let Err(e) = D::logout(&mut HostSession, device) {
        HostSession.log(crate::Level::Debug, &format!("logout: {e}"));
    }
}

pub fn backup<D: Driver>(d: wit::Device) -> Result<wit::ConfigBackup, wit::DriverError> {
    install_panic_hook();
    let device = device(d);
    let run = || -> Result<Backup, DriverError> {
        D::login(&mut HostSession, &device)?;
        let backup = D::backup(&mut HostSession, &device)?;
        logout::<D>(&device);
        Ok(backup)
    };
    let Backup { config, extras } = run().map_err(driver_error)?;
    Ok(wit::ConfigBackup { config, extras })
}

pub fn run<D: Driver>(
    d: wit::Device,
    commands: Vec<String>,
) -> Result<Vec<wit::CommandOutput>, wit::DriverError> {
    install_panic_hook();
    let device = device(d);
    let run = || {
        D::login(&mut HostSession, &device)?;
        let outputs = D::run(&mut HostSession, &device, &commands)?;
        logout::<D>(&device);
        Ok::<_, DriverError>(outputs)
    };
    let outputs = run().map_err(driver_error)?;
    Ok(outputs
        .into_iter()
        .map(|o| wit::CommandOutput {
            command: o.command,
            output: o.output,
        })
        .collect())
}

pub fn redact<D: Driver>(config: String) -> String {
    install_panic_hook();
    D::redact(&config)
}

pub fn significant<D: Driver>(config: String) -> String {
    install_panic_hook();
    D::significant(&config)
}

pub fn login_prompts<D: Driver>() -> bindings::exports::netraven::driver::login::LoginPrompts {
    install_panic_hook();
    let crate::LoginPrompts { username, password } = D::login_prompts();
    bindings::exports::netraven::driver::login::LoginPrompts { username, password }
}

/// Export a [`Driver`](crate::Driver) as the component's `driver` interface
/// and its `login` prompts.
///
/// ```text
/// netraven_driver_sdk::export_driver!(MyDriver);
/// ```
#[macro_export]
macro_rules! export_driver {
    ($driver:ty) => {
        // Only a wasm build exports the component's functions; a native build
        // (for `cargo test` of the driver) has nothing to export to.
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            #[doc(hidden)]
            pub struct __NetravenDriverExport;

            impl $crate::guest::bindings::exports::netraven::driver::driver::Guest
                for __NetravenDriverExport
            {
                fn info() -> $crate::guest::bindings::netraven::driver::types::DriverInfo {
                    $crate::guest::info::<$driver>()
                }
                fn backup(
                    device: $crate::guest::bindings::netraven::driver::types::Device,
                ) -> ::core::result::Result<
                    $crate::guest::bindings::netraven::driver::types::ConfigBackup,
                    $crate::guest::bindings::netraven::driver::types::DriverError,
                > {
                    $crate::guest::backup::<$driver>(device)
                }
                fn run(
                    device: $crate::guest::bindings::netraven::driver::types::Device,
                    commands: ::std::vec::Vec<::std::string::String>,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<
                        $crate::guest::bindings::netraven::driver::types::CommandOutput,
                    >,
                    $crate::guest::bindings::netraven::driver::types::DriverError,
                > {
                    $crate::guest::run::<$driver>(device, commands)
                }
                fn redact(config: ::std::string::String) -> ::std::string::String {
                    $crate::guest::redact::<$driver>(config)
                }
                fn significant(config: ::std::string::String) -> ::std::string::String {
                    $crate::guest::significant::<$driver>(config)
                }
            }

            impl $crate::guest::bindings::exports::netraven::driver::login::Guest
                for __NetravenDriverExport
            {
                fn prompts()
                -> $crate::guest::bindings::exports::netraven::driver::login::LoginPrompts {
                    $crate::guest::login_prompts::<$driver>()
                }
            }

            $crate::guest::bindings::__export_netraven_driver!(
                __NetravenDriverExport with_types_in $crate::guest::bindings
            );
        };
    };
}
