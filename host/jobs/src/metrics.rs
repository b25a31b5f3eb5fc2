//! Job and device results as Prometheus metrics, in the text exposition
//! format: what `netraven metrics` prints, and what a job writes to
//! `[metrics] textfile` when it ends, for node_exporter's textfile
//! collector (its `--collector.textfile.directory`). The scheduler runs
//! NetRaven now and then; the metrics stay in the file between runs.

use std::fmt::Write as _;
use std::path::Path;

use netraven_store::{DeviceBackups, JobRow, ResultRow, Store, StoreError};

/// The metrics of the newest finished backup job and of every device,
/// read from the database.
pub async fn exposition(store: &Store) -> Result<String, StoreError> {
    let job = store.last_finished_job("backup").await?;
    let results = match &job {
        Some(job) => store.results(job.id).await?,
        None => Vec::new(),
    };
    let devices = store.device_backups().await?;
    Ok(render(job.as_ref(), &results, &devices))
}

/// Write `text` to `path` whole (see [`crate::files::replace`]):
/// node_exporter reads only `*.prom` files, so it never sees the temporary
/// one.
pub fn write_textfile(path: &Path, text: &str) -> std::io::Result<()> {
    crate::files::replace(path, text.as_bytes())
}

/// The exposition text: HELP and TYPE before each family, as the format
/// requires; a device never backed up has no sample for what it lacks.
fn render(job: Option<&JobRow>, results: &[ResultRow], devices: &[DeviceBackups]) -> String {
    let mut out = String::new();
    let mut family = |name: &str, help: &str, samples: Vec<(String, f64)>| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    if let Some(job) = job {
        let ok = results.iter().filter(|r| r.status == "ok").count();
        family(
            "netraven_job_id",
            "Id of the newest finished backup job, which the netraven_job_* metrics describe.",
            vec![(String::new(), job.id as f64)],
        );
        family(
            "netraven_job_devices",
            "Devices of the newest finished backup job, by result.",
            vec![
                (labels(&[("result", "ok")]), ok as f64),
                (labels(&[("result", "failed")]), (results.len() - ok) as f64),
            ],
        );
        let mut classes: std::collections::BTreeMap<&str, usize> = Default::default();
        for r in results.iter().filter(|r| r.status != "ok") {
            *classes
                .entry(r.error_class.as_deref().unwrap_or("unknown"))
                .or_default() += 1;
        }
        let failures = classes
            .into_iter()
            .map(|(class, count)| (labels(&[("class", class)]), count as f64))
            .collect();
        family(
            "netraven_job_failures",
            "Failed devices of the newest finished backup job, by error class.",
            failures,
        );
        family(
            "netraven_job_changed_devices",
            "Devices whose configuration the newest finished backup job committed.",
            vec![(
                String::new(),
                results.iter().filter(|r| r.changed).count() as f64,
            )],
        );
        let finished = job.finished_at.unwrap_or_default();
        let duration = finished - job.started_at.unwrap_or(finished);
        family(
            "netraven_job_duration_seconds",
            "Wall time of the newest finished backup job, from its first start.",
            vec![(String::new(), seconds(duration))],
        );
        family(
            "netraven_job_finished_timestamp_seconds",
            "When the newest finished backup job finished.",
            vec![(String::new(), seconds(finished))],
        );
    }
    let device_labels = |d: &DeviceBackups| {
        labels(&[
            ("device", d.name.as_str()),
            ("group", d.group.as_str()),
            ("model", d.model.as_str()),
        ])
    };
    let per_device = |value: &dyn Fn(&DeviceBackups) -> Option<f64>| {
        devices
            .iter()
            .filter(|d| d.enabled)
            .filter_map(|d| value(d).map(|v| (device_labels(d), v)))
            .collect::<Vec<_>>()
    };
    family(
        "netraven_device_up",
        "1 when the device's newest backup succeeded, 0 when it failed.",
        per_device(&|d| {
            d.last_status
                .as_ref()
                .map(|s| f64::from(u8::from(s == "ok")))
        }),
    );
    family(
        "netraven_device_last_success_timestamp_seconds",
        "When a backup of the device last succeeded.",
        per_device(&|d| d.last_success_at.map(seconds)),
    );
    family(
        "netraven_device_last_duration_seconds",
        "How long the device's newest backup took.",
        per_device(&|d| d.last_duration_ms.map(seconds)),
    );
    family(
        "netraven_device_last_changed_timestamp_seconds",
        "When a backup last found the device's configuration changed.",
        per_device(&|d| d.last_changed_at.map(seconds)),
    );
    out
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// `{name="value",...}`, each value escaped as the format says: backslash,
/// double quote and line feed.
fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{name}=\"{value}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(name: &str, status: Option<&str>) -> DeviceBackups {
        DeviceBackups {
            name: name.into(),
            group: "core".into(),
            model: "ios".into(),
            enabled: true,
            last_status: status.map(String::from),
            last_duration_ms: status.map(|_| 1500),
            last_success_at: (status == Some("ok")).then_some(1_700_000_000_000),
            last_changed_at: None,
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("device", "a\"b\\c\nd")]),
            r#"{device="a\"b\\c\nd"}"#
        );
    }

    #[test]
    fn a_device_never_backed_up_has_no_samples_and_a_failed_one_is_down() {
        let text = render(
            None,
            &[],
            &[
                device("new", None),
                device("r1", Some("ok")),
                device("r2", Some("failed")),
            ],
        );
        assert!(!text.contains("device=\"new\""), "{text}");
        assert!(
            text.contains("netraven_device_up{device=\"r1\",group=\"core\",model=\"ios\"} 1\n")
        );
        assert!(
            text.contains("netraven_device_up{device=\"r2\",group=\"core\",model=\"ios\"} 0\n")
        );
        assert!(text.contains(
            "netraven_device_last_success_timestamp_seconds{device=\"r1\",group=\"core\",model=\"ios\"} 1700000000\n"
        ));
        assert!(
            !text.contains("netraven_job_"),
            "no job finished yet: {text}"
        );
    }
}
