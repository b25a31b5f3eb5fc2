//! Which events reach stderr. `[logging] level` (or `NETRAVEN_LOG`) is about
//! NetRaven: a bare level applies to NetRaven's own events (every target
//! under `netraven`: the binary and the `netraven_*` crates), while the
//! dependencies stay at `warn`, or at what `RUST_LOG` asks for. At `trace`,
//! wasmtime's type registry and sqlx's statements would otherwise bury the
//! job's own events under gigabytes (issue: first run and driver authoring).
//! A full filter (`warn,netraven_jobs=debug,russh=debug`) is taken as written.

use tracing::level_filters::LevelFilter;

/// The `EnvFilter` directives for the configured `level`, with `RUST_LOG`'s
/// value when it is set.
pub(crate) fn directives(level: &str, rust_log: Option<&str>) -> String {
    let Ok(ours) = level.trim().parse::<LevelFilter>() else {
        return level.to_string();
    };
    let dependencies = match rust_log.map(str::trim).filter(|r| !r.is_empty()) {
        Some(asked) => asked.to_string(),
        // Never louder than warn, but as quiet as NetRaven's own when that
        // is quieter (`error`, `off`).
        None => ours.min(LevelFilter::WARN).to_string().to_lowercase(),
    };
    format!(
        "{dependencies},netraven={}",
        ours.to_string().to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::directives;

    #[test]
    fn a_bare_level_is_netravens_and_dependencies_stay_at_warn() {
        assert_eq!(directives("trace", None), "warn,netraven=trace");
        assert_eq!(directives("DEBUG", None), "warn,netraven=debug");
        assert_eq!(directives("warn", None), "warn,netraven=warn");
    }

    #[test]
    fn a_quieter_level_quiets_the_dependencies_too() {
        assert_eq!(directives("error", None), "error,netraven=error");
        assert_eq!(directives("off", None), "off,netraven=off");
    }

    #[test]
    fn rust_log_sets_the_dependencies() {
        assert_eq!(
            directives("info", Some("sqlx=debug")),
            "sqlx=debug,netraven=info"
        );
        assert_eq!(directives("info", Some("  ")), "warn,netraven=info");
    }

    #[test]
    fn a_full_filter_is_taken_as_written() {
        assert_eq!(
            directives("warn,netraven_jobs=debug", Some("trace")),
            "warn,netraven_jobs=debug"
        );
    }

    #[test]
    fn every_result_is_a_valid_filter() {
        for level in ["trace", "info", "error", "off", "warn,russh=debug"] {
            for rust_log in [None, Some("sqlx=info")] {
                let d = directives(level, rust_log);
                assert!(tracing_subscriber::EnvFilter::try_new(&d).is_ok(), "{d}");
            }
        }
    }
}
