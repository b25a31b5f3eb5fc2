//! How a device ended. The classes are stable: they are stored, counted in
//! job summaries and drive the retry policy.

use std::fmt;

use netraven_driver_sdk::{DriverError, SessionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorClass {
    AuthFailed,
    HostKeyChanged,
    ConnectTimeout,
    ConnectionRefused,
    ConnectionClosed,
    /// Client and device share no key exchange, host key, cipher or MAC
    /// algorithm: the device needs an opt-in (or an upgrade).
    NegotiationFailed,
    PromptTimeout,
    CommandRejected,
    /// The driver returned an error or panicked.
    DriverError,
    /// The sandbox stopped the driver: deadline, memory cap, or a wasm trap.
    DriverTrap,
    /// No loaded driver handles the device's model.
    NoDriver,
    /// The stored device cannot be used as it is (no credential, a
    /// missing jump host, settings that do not parse).
    InvalidDevice,
    /// The configuration was fetched but could not be committed.
    ArchiveFailed,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::AuthFailed => "auth_failed",
            ErrorClass::HostKeyChanged => "host_key_changed",
            ErrorClass::ConnectTimeout => "connect_timeout",
            ErrorClass::ConnectionRefused => "connection_refused",
            ErrorClass::ConnectionClosed => "connection_closed",
            ErrorClass::NegotiationFailed => "negotiation_failed",
            ErrorClass::PromptTimeout => "prompt_timeout",
            ErrorClass::CommandRejected => "command_rejected",
            ErrorClass::DriverError => "driver_error",
            ErrorClass::DriverTrap => "driver_trap",
            ErrorClass::NoDriver => "no_driver",
            ErrorClass::InvalidDevice => "invalid_device",
            ErrorClass::ArchiveFailed => "archive_failed",
        }
    }

    /// Worth another attempt after a backoff: the network or the device may
    /// behave next time. Auth, host keys and driver bugs will not change.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorClass::ConnectTimeout
                | ErrorClass::ConnectionRefused
                | ErrorClass::ConnectionClosed
                | ErrorClass::PromptTimeout
        )
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one device failed: a class and a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFailure {
    pub class: ErrorClass,
    pub message: String,
}

impl DeviceFailure {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        DeviceFailure {
            class,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeviceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

impl std::error::Error for DeviceFailure {}

impl From<&SessionError> for ErrorClass {
    fn from(e: &SessionError) -> Self {
        match e {
            SessionError::Timeout(_) => ErrorClass::PromptTimeout,
            SessionError::Closed(_) => ErrorClass::ConnectionClosed,
            SessionError::Rejected(_) => ErrorClass::CommandRejected,
            SessionError::InvalidRegex(_) | SessionError::Unsupported(_) => ErrorClass::DriverError,
        }
    }
}

impl From<DriverError> for DeviceFailure {
    fn from(e: DriverError) -> Self {
        match &e {
            DriverError::Session(s) => DeviceFailure::new(s.into(), e.to_string()),
            DriverError::Failed(m) => DeviceFailure::new(ErrorClass::DriverError, m.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_network_and_device_classes_are_retried() {
        assert!(ErrorClass::ConnectTimeout.retryable());
        assert!(ErrorClass::PromptTimeout.retryable());
        assert!(!ErrorClass::AuthFailed.retryable());
        assert!(!ErrorClass::HostKeyChanged.retryable());
        assert!(!ErrorClass::DriverTrap.retryable());
        assert!(!ErrorClass::DriverError.retryable());
    }

    #[test]
    fn session_errors_map_to_classes() {
        let f = DeviceFailure::from(DriverError::Session(SessionError::Timeout("x".into())));
        assert_eq!(f.class, ErrorClass::PromptTimeout);
        let f = DeviceFailure::from(DriverError::Failed("bad".into()));
        assert_eq!(f.class, ErrorClass::DriverError);
    }
}
