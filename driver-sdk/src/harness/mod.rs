//! Test drivers without devices and without wasm (feature `harness`).
//!
//! - [`Transcript`]: Oxidized's simulation YAML.
//! - [`ReplaySession`]: a [`Session`](crate::Session) that replays one.
//! - [`PromptEngine`]: prompt and pager matching, shared with the host.
//! - [`checks`]: the corpus checks (`output`, `secret`, `prompt`,
//!   `significant`, `replay`) run by `cargo test` here and by `netraven
//!   driver test`.
//! - [`chaos`]: each recording replayed with the changes real devices
//!   make, each change its own check (`netraven driver test --chaos`).
//! - [`scripted`]: a driver's own tests over recordings written in the
//!   test: log in, back up, and check that the recording was used up.
//!
//! A driver crate's whole corpus test:
//!
//! ```text
//! #[test]
//! fn corpus_cases_pass() {
//!     netraven_driver_sdk::harness::assert_corpus::<MyDriver>(corpus_dir());
//! }
//! ```

pub mod chaos;
pub mod checks;
pub mod engine;
pub mod replay;
pub mod scripted;
pub mod transcript;
pub mod vendor;

pub use chaos::assert_chaos;
pub use checks::{Case, Check, CheckKind, NativeTarget, Target, assert_corpus, discover, run_case};
pub use engine::{PromptEngine, Step};
pub use replay::{ReplayDevice, ReplaySession};
pub use transcript::{Order, Transcript};
