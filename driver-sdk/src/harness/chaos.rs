//! Chaos replay: every recording of a case replayed again with one change
//! that real devices make, each change its own check
//! (`netraven driver test --chaos`).
//!
//! | change | passes when |
//! |---|---|
//! | `banner`: a login banner with prompt-, pager- and login-like lines | the same configuration |
//! | `reject <command>`: the command refused with its vendor's error | essential: the backup fails as `command_rejected` naming it; optional: logged as left out, no line of the configuration's own reply lost and no line added that no recorded reply holds; otherwise the same configuration |
//! | `essential`: over all the `reject` runs | one refused command failed the backup as essential |
//! | `closed mid-output`: the connection drops half-way through the configuration's reply | the backup fails as `connection_closed` |
//! | `pager mid-output`, `pager mid-line`, `pager before the prompt`: the vendor's pager in the configuration | the same configuration; `prompt_timeout` for a vendor that pages nothing once paging is off |
//! | `line endings \r\r\n`, `lone \r`, `ANSI codes`, `backspaces` in echoes | the same configuration |
//! | `blank lines and trailing spaces at prompts` | the same configuration, blank lines and trailing blanks aside |
//! | `latin-1 byte`, `1 MB line`: a line added to the configuration's reply | the same configuration with that line in it |
//! | `50 MB configuration` (once per model) | the same configuration with every added line |
//!
//! A check fails on a panic, a trap or the deadline as on anything else.
//! The configuration's reply is that of the command whose refusal failed
//! the backup as essential, else the longest. The baseline is the unchanged
//! recording; a case whose baseline does not
//! back up gets one failed check saying so.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use super::checks::{Case, Check, CheckKind, Failure, Run, Target, case_vars, device_for};
use super::replay::{ReplaySession, last_line};
use super::transcript::{Exchange, Order, Transcript};
use super::vendor::refusal_line;
use crate::driver::{Device, DriverInfo, Mode};
use crate::text;

/// A login banner (MOTD) with lines that look like what drivers wait for.
const BANNER: &str = "\r\n\
    ****************************************************************\r\n\
    * Authorised access only. Disconnect now if you are not.       *\r\n\
    * router# and switch> are examples, as are the lines below.    *\r\n\
    ****************************************************************\r\n\
    core-sw1#\r\n\
    edge-rtr>\r\n\
    \x20--More-- \r\n\
    -- More --\r\n\
    Press any key to continue\r\n\
    Username:\r\n\
    Password:\r\n\
    \r\n";

/// Marks the lines the chaos replay adds to a configuration.
const MARKER: &str = "netraven-chaos";

/// What a 1 MB line and a 50 MB configuration weigh.
const LONG_LINE: usize = 1 << 20;
const HUGE_CONFIG: usize = 50 << 20;

/// What a changed replay must produce.
enum Expect {
    /// The configuration of the unchanged recording.
    Same,
    /// The same, blank lines (bare comment prefixes too) and trailing
    /// blanks aside.
    SameContent,
    /// The command of exchange `exchange` refused.
    Refused { exchange: usize, command: String },
    /// A failure of this class.
    Fails(&'static str),
    /// The configuration with `lines` lines added, each holding the marker.
    Added { lines: usize },
}

struct Change {
    name: String,
    transcript: Transcript,
    close_after: Option<usize>,
    /// A file transfer the device refuses.
    refused_file: Option<usize>,
    expect: Expect,
}

/// Run the chaos checks of `case` (its `#simulation.yaml` and its
/// `#custom_simulation.yaml`). `huge` adds the 50 MB check.
pub fn run_chaos(target: &mut dyn Target, case: &Case, huge: bool) -> Vec<Check> {
    let mut checks = Vec::new();
    let info = match target.info() {
        Ok(info) => info,
        Err(e) => {
            checks.push(check(case, "baseline", Err(format!("driver info: {e}"))));
            return checks;
        }
    };
    for recording in [&case.simulation, &case.custom_simulation]
        .into_iter()
        .flatten()
    {
        checks.extend(chaos_recording(target, &info, case, recording, huge));
    }
    checks
}

fn check(case: &Case, change: &str, outcome: Result<(), String>) -> Check {
    Check {
        case: case.id(),
        kind: CheckKind::Chaos,
        change: Some(change.to_string()),
        outcome,
    }
}

fn chaos_recording(
    target: &mut dyn Target,
    info: &DriverInfo,
    case: &Case,
    path: &Path,
    huge: bool,
) -> Vec<Check> {
    let setup = case_vars(case.vars.as_deref()).and_then(|vars| {
        let transcript = Transcript::load(path).map_err(|e| e.to_string())?;
        Ok((vars, transcript))
    });
    let (vars, original) = match setup {
        Ok(s) => s,
        Err(e) => return vec![check(case, "baseline", Err(e))],
    };
    let device = Device {
        vars: vars.vars.clone(),
        ..device_for(case)
    };
    // A changed recording may lead the driver to a command the device was
    // never asked (a fallback for a refused one): the device refuses it.
    let replay = |target: &mut dyn Target, change: Option<&Change>| {
        let (transcript, close_after, refused_file, lenient) = match change {
            Some(c) => (c.transcript.clone(), c.close_after, c.refused_file, true),
            None => (original.clone(), None, None, false),
        };
        match ReplaySession::new(transcript, info.mode, &info.prompt) {
            Ok(session) => {
                let session = session.with_secrets(&vars.password, &vars.enable);
                if let Some(i) = close_after {
                    session.device().close_after(i);
                }
                if let Some(i) = refused_file {
                    session.device().refuse_file(i);
                }
                if lenient {
                    session.device().answer_unrecorded(&case.model);
                }
                target.run(session, &device)
            }
            Err(e) => Run {
                backup: Err(Failure {
                    class: "driver_error".to_string(),
                    message: e.to_string(),
                }),
                logs: Vec::new(),
            },
        }
    };
    let baseline = match replay(target, None).backup {
        Ok(b) => b.config,
        Err(e) => {
            return vec![check(
                case,
                "baseline",
                Err(format!("the unchanged recording does not back up: {e}")),
            )];
        }
    };
    // The recording's own changes first, judged once their runs tell
    // which refused command is the configuration's.
    let mut runs = Vec::new();
    for change in changes(&original, info, &case.model) {
        let started = Instant::now();
        let run = replay(target, Some(&change));
        runs.push((change.name, change.expect, run, started.elapsed()));
    }
    let essential: Vec<(usize, String)> = runs
        .iter()
        .filter_map(|(_, expect, run, _)| match (expect, &run.backup) {
            (
                Expect::Refused {
                    exchange, command, ..
                },
                Err(f),
            ) if f.class == "command_rejected" && names_essential(&f.message, command) => {
                Some((*exchange, command.clone()))
            }
            _ => None,
        })
        .collect();
    // The configuration's reply: the refused command that failed the
    // backup as essential, else the longest reply.
    let config_exchange = essential
        .first()
        .map(|(i, _)| *i)
        .or_else(|| longest_reply(&original));
    let context = Context {
        info,
        baseline: &baseline,
        config_lines: config_exchange
            .map(|i| reply_lines(&original.exchanges[i].reply, &info.comment_prefix))
            .unwrap_or_default(),
        recorded_lines: original
            .exchanges
            .iter()
            .flat_map(|e| reply_lines(&e.reply, &info.comment_prefix))
            .collect(),
        other_lines: {
            let mut counts = HashMap::new();
            for (i, e) in original.exchanges.iter().enumerate() {
                if Some(i) == config_exchange {
                    continue;
                }
                for line in String::from_utf8_lossy(&e.reply).lines() {
                    let bare = bare_line(line.trim_end_matches('\r'), &info.comment_prefix);
                    if !bare.is_empty() {
                        *counts.entry(bare.to_string()).or_default() += 1;
                    }
                }
            }
            counts
        },
    };
    let mut checks = Vec::new();
    let mut judged = |name: &str, expect: &Expect, run: &Run, took: std::time::Duration| {
        let mut outcome = judge(expect, &context, run);
        if let Err(e) = &mut outcome {
            e.push_str(&format!(" ({:.1} s)", took.as_secs_f64()));
        }
        checks.push(check(case, name, outcome));
    };
    for (name, expect, run, took) in &runs {
        judged(name, expect, run, *took);
    }
    drop(runs);
    if let Some(i) = config_exchange {
        for change in config_changes(&original, i, &case.model, info.mode == Mode::Shell, huge) {
            let started = Instant::now();
            let run = replay(target, Some(&change));
            judged(&change.name, &change.expect, &run, started.elapsed());
        }
    }
    let rejects = checks
        .iter()
        .filter(|c| {
            c.change
                .as_deref()
                .is_some_and(|n| n.starts_with("reject "))
        })
        .count();
    if rejects > 0 {
        let outcome = if essential.is_empty() {
            Err(format!(
                "none of the {rejects} refused commands failed the backup: the configuration command is not essential"
            ))
        } else {
            Ok(())
        };
        checks.push(check(case, "essential", outcome));
    }
    checks
}

/// What a changed replay is judged against.
struct Context<'a> {
    info: &'a DriverInfo,
    /// The unchanged recording's backup.
    baseline: &'a str,
    /// The lines of the configuration's reply (bare).
    config_lines: HashSet<String>,
    /// How often each line shows in the other replies (bare): a line the
    /// configuration shares with them may go with them.
    other_lines: HashMap<String, isize>,
    /// The lines of every recorded reply (trimmed).
    recorded_lines: HashSet<String>,
}

/// The failure message of an essential command names it (or the start of
/// it: a driver may leave arguments out of its messages).
fn names_essential(message: &str, command: &str) -> bool {
    let Some(rest) = message
        .split("essential command \"")
        .nth(1)
        .or_else(|| message.split("essential file \"").nth(1))
    else {
        return false;
    };
    let named = rest.split('"').next().unwrap_or_default();
    !named.is_empty() && format!("{command:?}").trim_matches('"').starts_with(named)
}

/// Whether `run` is what `expect` wants.
fn judge(expect: &Expect, cx: &Context, run: &Run) -> Result<(), String> {
    let baseline = cx.baseline;
    let config = match (&run.backup, expect) {
        (Err(f), Expect::Fails(class)) if f.class == *class => return Ok(()),
        (Err(f), Expect::Refused { command, .. }) if f.class == "command_rejected" => {
            return if names_essential(&f.message, command) {
                Ok(())
            } else {
                Err(format!(
                    "failed as command_rejected, but not on {command:?} as essential: {f}"
                ))
            };
        }
        (Err(f), _) => return Err(format!("the backup failed ({}): {f}", f.class)),
        (Ok(_), Expect::Fails(class)) => {
            return Err(format!(
                "the backup succeeded; it must fail as {class}: a stored configuration would lack part of the configuration"
            ));
        }
        (Ok(b), _) => &b.config,
    };
    match expect {
        Expect::Same => same(baseline, config),
        Expect::SameContent => same(
            &content(baseline, &cx.info.comment_prefix),
            &content(config, &cx.info.comment_prefix),
        ),
        Expect::Added { lines } => added(baseline, config, *lines),
        Expect::Refused { command, .. } => {
            if config == baseline {
                return Ok(());
            }
            let logged = format!("optional command {command:?} left out");
            if !run.logs.iter().any(|(_, m)| m.starts_with(&logged)) {
                return Err(format!(
                    "the refusal changed the configuration, but {command:?} was neither logged as left out nor failed as essential:\n{}",
                    diff_excerpt(baseline, config)
                ));
            }
            left_out(cx, config)
        }
        Expect::Fails(_) => unreachable!("handled above"),
    }
}

fn same(baseline: &str, config: &str) -> Result<(), String> {
    if baseline == config {
        Ok(())
    } else {
        Err(format!(
            "the configuration differs from the unchanged recording's:\n{}",
            diff_excerpt(baseline, config)
        ))
    }
}

/// The lines that are not blank, without trailing blanks.
fn content(config: &str, comment: &str) -> String {
    let comment = comment.trim();
    config
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && (comment.is_empty() || *l != comment))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `config` must be `baseline` with `lines` marked lines added.
fn added(baseline: &str, config: &str, lines: usize) -> Result<(), String> {
    let marked = config.lines().filter(|l| l.contains(MARKER)).count();
    let rest: String = config
        .split_inclusive('\n')
        .filter(|l| !l.contains(MARKER))
        .collect();
    if marked != lines {
        return Err(format!(
            "{marked} of the {lines} added lines are in the configuration"
        ));
    }
    same(baseline, &rest)
}

/// An optional command left out: no line of the configuration's own reply
/// may be lost, and no line may appear that no recorded reply holds (the
/// refusal, say).
fn left_out(cx: &Context, config: &str) -> Result<(), String> {
    let prefix = &cx.info.comment_prefix;
    let mut counts: HashMap<&str, isize> = HashMap::new();
    for line in cx.baseline.lines() {
        *counts.entry(line).or_default() += 1;
    }
    for line in config.lines() {
        *counts.entry(line).or_default() -= 1;
    }
    let mut lost = Vec::new();
    let mut new = Vec::new();
    for (line, n) in counts {
        let bare = bare_line(line, prefix);
        if bare.is_empty() {
            continue;
        }
        let shared = cx.other_lines.get(bare).copied().unwrap_or(0);
        if n > shared && cx.config_lines.contains(bare) {
            lost.push(line);
        }
        if n < 0 && !cx.recorded_lines.contains(bare) {
            new.push(line);
        }
    }
    if lost.is_empty() && new.is_empty() {
        return Ok(());
    }
    lost.sort_unstable();
    new.sort_unstable();
    Err(format!(
        "leaving the command out lost lines of the configuration {:?} or added lines no device sent {:?}:\n{}",
        &lost[..lost.len().min(5)],
        &new[..new.len().min(5)],
        diff_excerpt(cx.baseline, config)
    ))
}

/// A line without its trailing blanks and the driver's comment prefix.
fn bare_line<'a>(line: &'a str, comment: &str) -> &'a str {
    let line = line.trim_end();
    let comment = comment.trim_end();
    let line = if comment.is_empty() {
        line
    } else {
        line.strip_prefix(comment).unwrap_or(line)
    };
    line.trim()
}

/// The lines of a recorded reply, bare (see [`bare_line`]).
fn reply_lines(reply: &[u8], comment: &str) -> HashSet<String> {
    String::from_utf8_lossy(reply)
        .lines()
        .map(|l| bare_line(l.trim_end_matches('\r'), comment).to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The first lines of a unified diff.
fn diff_excerpt(expected: &str, actual: &str) -> String {
    let diff = super::checks::unified_diff(expected, actual);
    let mut lines: Vec<&str> = diff.lines().take(30).collect();
    if diff.lines().count() > 30 {
        lines.push("...");
    }
    lines
        .iter()
        .map(|l| {
            if l.len() > 300 {
                let mut end = 300;
                while !l.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}…", &l[..end])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every change of `original`, built for a driver of `info`.
fn changes(original: &Transcript, info: &DriverInfo, model: &str) -> Vec<Change> {
    let shell = info.mode == Mode::Shell;
    let mut out = Vec::new();
    let change = |name: &str, transcript: Transcript, expect: Expect| Change {
        name: name.to_string(),
        transcript,
        close_after: None,
        refused_file: None,
        expect,
    };
    if shell && let Some(greeting) = &original.init_prompt {
        let mut t = original.clone();
        let mut banner = BANNER.as_bytes().to_vec();
        banner.extend_from_slice(greeting);
        t.init_prompt = Some(banner);
        out.push(change("banner", t, Expect::Same));
    }
    for i in fetched_files(original) {
        let path = command_of(&original.exchanges[i].input);
        out.push(Change {
            refused_file: Some(i),
            ..change(
                &format!("reject file {path:?}"),
                original.clone(),
                Expect::Refused {
                    exchange: i,
                    command: path,
                },
            )
        });
    }
    for i in refusable(original, shell) {
        let exchange = &original.exchanges[i];
        let command = command_of(&exchange.input);
        let mut t = original.clone();
        t.exchanges[i].reply = refused_reply(exchange, &command, model, shell);
        out.push(change(
            &format!("reject {command:?}"),
            t,
            Expect::Refused {
                exchange: i,
                command,
            },
        ));
    }
    if shell {
        out.push(change(
            "line endings \\r\\r\\n",
            map_output(original, true, |b| replace(b, b"\r\n", b"\r\r\n")),
            Expect::Same,
        ));
    } else {
        out.push(change(
            "line endings \\r\\n",
            map_output(original, false, |b| {
                replace(&replace(b, b"\r\n", b"\n"), b"\n", b"\r\n")
            }),
            Expect::Same,
        ));
    }
    // Not on a reply's first line: that one goes on where the cursor was
    // (after the prompt, or after a pager's answer).
    out.push(change(
        "lone \\r",
        map_output(original, shell, |b| {
            let mut first = true;
            map_lines(b, |line, last| {
                if std::mem::take(&mut first) || last || line.is_empty() {
                    line.to_vec()
                } else {
                    [b"\r".as_slice(), line].concat()
                }
            })
        }),
        Expect::Same,
    ));
    out.push(change(
        "ANSI codes",
        map_output(original, shell, |b| {
            map_lines(b, |line, last| {
                if last || line.is_empty() {
                    return line.to_vec();
                }
                let body = line.strip_suffix(b"\r").unwrap_or(line);
                let cr = &line[body.len()..];
                [b"\x1b[1;32m", body, b"\x1b[0m\x1b[K", cr].concat()
            })
        }),
        Expect::Same,
    ));
    if shell {
        let mut t = original.clone();
        for e in t.exchanges.iter_mut().filter(|e| is_command(e)) {
            e.reply = backspaced_echo(&e.input, &e.reply);
        }
        out.push(change("backspaces", t, Expect::Same));
        let mut t = original.clone();
        if let Ok(prompt) = super::engine::compile(&info.prompt) {
            for e in &mut t.exchanges {
                if prompt.is_match(last_line(&e.reply)) {
                    e.reply = blank_lines_at_prompt(&e.reply);
                }
            }
        }
        out.push(change(
            "blank lines and trailing spaces at prompts",
            t,
            Expect::SameContent,
        ));
    }
    out
}

/// The changes to the configuration's own reply, exchange `i`: cut short
/// by a dropped connection, and lines added to it.
fn config_changes(
    original: &Transcript,
    i: usize,
    model: &str,
    shell: bool,
    huge: bool,
) -> Vec<Change> {
    let change = |name: &str, transcript: Transcript, expect: Expect| Change {
        name: name.to_string(),
        transcript,
        close_after: None,
        refused_file: None,
        expect,
    };
    let mut out = Vec::new();
    let mut t = original.clone();
    let reply = &mut t.exchanges[i].reply;
    reply.truncate(reply.len() / 2);
    out.push(Change {
        close_after: Some(i),
        ..change("closed mid-output", t, Expect::Fails("connection_closed"))
    });
    // A pager where the driver did not expect one: in the middle of the
    // configuration, and right before the prompt. A driver that answers
    // its vendor's pager gets the same configuration; one whose device
    // pages nothing (paging turned off at login) must time out, not hang.
    let reply = &original.exchanges[i].reply;
    let prompt_at = reply.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    if shell && prompt_at > 0 && is_command(&original.exchanges[i]) {
        let line_start = middle_line_start(reply, shell);
        // Mid-line: after the first blank of that line, as a device whose
        // pager counts wrapped lines stops in the middle of a long one.
        let mid_line = reply[line_start..prompt_at]
            .iter()
            .position(|&b| b == b' ' || b == b'\n')
            .filter(|&i| reply[line_start + i] == b' ')
            .map(|i| line_start + i + 1);
        for (name, at) in [
            ("pager mid-output", Some(line_start)),
            ("pager mid-line", mid_line),
            ("pager before the prompt", Some(prompt_at)),
        ] {
            let Some(at) = at else { continue };
            let made = match super::vendor::pager(model) {
                Some((pager, key)) => {
                    paged(original, i, at, pager, key).map(|t| change(name, t, Expect::Same))
                }
                None => paged(original, i, at, "--More-- ", "\u{0}unanswered")
                    .map(|t| change(name, t, Expect::Fails("prompt_timeout"))),
            };
            out.extend(made);
        }
    }
    // A structured document (JSON) takes no added line; it is no text
    // configuration a device would print lines into.
    let reply = &original.exchanges[i].reply;
    let body = reply.trim_ascii();
    if body.starts_with(b"{") || body.starts_with(b"[") {
        return out;
    }
    // Nor does an empty configuration (a shell reply of echo and prompt).
    let lines = reply.split(|&b| b == b'\n').count();
    if shell && lines < 3 {
        return out;
    }
    let latin1 = [b"description ", MARKER.as_bytes(), b" caf\xe9 M\xfcller"].concat();
    out.push(change(
        "latin-1 byte",
        insert_lines(original, i, &latin1, 1, shell),
        Expect::Added { lines: 1 },
    ));
    let mut long = format!("description {MARKER} ").into_bytes();
    long.resize(LONG_LINE, b'x');
    out.push(change(
        "1 MB line",
        insert_lines(original, i, &long, 1, shell),
        Expect::Added { lines: 1 },
    ));
    if huge {
        let line = format!(" description {MARKER} interface description of some length");
        let count = HUGE_CONFIG / (line.len() + 2);
        out.push(change(
            "50 MB configuration",
            insert_lines(original, i, line.as_bytes(), count, shell),
            Expect::Added { lines: count },
        ));
    }
    out
}

/// The exchanges that are files fetched by SCP: keyed by a path, with no
/// line ending (a pager's key is a character or two).
fn fetched_files(t: &Transcript) -> Vec<usize> {
    (0..t.exchanges.len())
        .filter(|&i| {
            let input = &t.exchanges[i].input;
            input.len() > 2
                && !input.ends_with(b"\n")
                && !input.iter().any(u8::is_ascii_whitespace)
                && input.iter().any(|b| *b == b'.' || *b == b'/')
        })
        .collect()
}

/// The exchanges whose command can be refused: a whole line whose reply
/// ends at the same prompt as another reply or the greeting (not a
/// password prompt, not the end of the session).
fn refusable(t: &Transcript, shell: bool) -> Vec<usize> {
    let last_lines: Vec<&[u8]> = t
        .exchanges
        .iter()
        .map(|e| last_line(&e.reply))
        .chain(t.init_prompt.as_deref().map(last_line))
        .collect();
    (0..t.exchanges.len())
        .filter(|&i| {
            let e = &t.exchanges[i];
            let command = command_of(&e.input);
            if !e.input.ends_with(b"\n") || command.trim().is_empty() || e.reply.is_empty() {
                return false;
            }
            if !shell {
                return true;
            }
            let prompt = last_line(&e.reply);
            !prompt.iter().all(u8::is_ascii_whitespace)
                && last_lines
                    .iter()
                    .enumerate()
                    .any(|(j, l)| j != i && *l == prompt)
        })
        .collect()
}

fn command_of(input: &[u8]) -> String {
    String::from_utf8_lossy(input)
        .trim_end_matches(['\r', '\n'])
        .to_string()
}

/// The reply of a device refusing `command`: its echo line, the vendor's
/// error and the same prompt (shell), or the error alone (exec).
fn refused_reply(e: &Exchange, command: &str, model: &str, shell: bool) -> Vec<u8> {
    let error = refusal_line(model, command);
    if !shell {
        return format!("{error}\n").into_bytes();
    }
    let echo_end = e
        .reply
        .iter()
        .position(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut out = e.reply[..echo_end].to_vec();
    if echo_end == 0 {
        out.extend_from_slice(command.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(error.as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(last_line(&e.reply));
    out
}

/// The exchange with the longest reply: the configuration, as a rule.
fn longest_reply(t: &Transcript) -> Option<usize> {
    (0..t.exchanges.len())
        .filter(|&i| t.exchanges[i].reply.len() > 1)
        .max_by_key(|&i| t.exchanges[i].reply.len())
}

/// The transcript with `f` applied to every reply (and the greeting of a
/// shell device).
fn map_output(t: &Transcript, shell: bool, f: impl Fn(&[u8]) -> Vec<u8>) -> Transcript {
    let mut t = t.clone();
    if shell && let Some(greeting) = &mut t.init_prompt {
        *greeting = f(greeting);
    }
    for e in t.exchanges.iter_mut().filter(|e| is_command(e)) {
        if !e.reply.is_empty() {
            e.reply = f(&e.reply);
        }
    }
    t
}

/// A typed command (a line), not a file transfer or a pager's key: only
/// terminal output gets terminal changes.
fn is_command(e: &Exchange) -> bool {
    e.input.ends_with(b"\n")
}

/// Apply `f` to each line (without its `\n`); `last` is the line after the
/// last newline: the prompt, or the end of an exec reply.
fn map_lines(bytes: &[u8], mut f: impl FnMut(&[u8], bool) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 11 / 10);
    let mut lines = bytes.split(|&b| b == b'\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        if !first {
            out.push(b'\n');
        }
        first = false;
        let last = lines.peek().is_none();
        out.extend(f(line, last));
    }
    out
}

fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The echo of a command as a line editor redraws it after a typo: the
/// last character typed wrong, rubbed out with a backspace and retyped.
fn backspaced_echo(input: &[u8], reply: &[u8]) -> Vec<u8> {
    let command = input.strip_suffix(b"\n").unwrap_or(input);
    if command.is_empty() || !reply.starts_with(command) {
        return reply.to_vec();
    }
    let (head, last) = command.split_at(command.len() - 1);
    [head, b"x\x08", last, &reply[command.len()..]].concat()
}

/// Two blank lines before the prompt and two spaces after it.
fn blank_lines_at_prompt(reply: &[u8]) -> Vec<u8> {
    let Some(nl) = reply.iter().rposition(|&b| b == b'\n') else {
        return reply.to_vec();
    };
    if reply.len() == nl + 1 {
        return reply.to_vec();
    }
    [&reply[..=nl], b"\r\n\r\n", &reply[nl + 1..], b"  "].concat()
}

/// Exchange `i`'s reply with `count` copies of `line` added in the middle
/// of its body (never as its first line, the echo, or its last, the
/// prompt), with the reply's own line ending.
fn insert_lines(t: &Transcript, i: usize, line: &[u8], count: usize, shell: bool) -> Transcript {
    let mut t = t.clone();
    let reply = &t.exchanges[i].reply;
    let crlf = text::find(&String::from_utf8_lossy(reply), "\r\n").is_some();
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let at = middle_line_start(reply, shell);
    let mut block = Vec::with_capacity((line.len() + 2) * count);
    for _ in 0..count {
        block.extend_from_slice(line);
        block.extend_from_slice(eol);
    }
    let mut new = reply[..at].to_vec();
    new.extend_from_slice(&block);
    new.extend_from_slice(&reply[at..]);
    t.exchanges[i].reply = new;
    t
}

/// Where a line starts in the middle of `reply`'s body: after the middle
/// line ending (after the echo's at the least), or the first after it that
/// does not end a continued line (`\`).
fn middle_line_start(reply: &[u8], shell: bool) -> usize {
    let ends: Vec<usize> = reply
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    let continued = |end: usize| {
        let line = reply[..end].trim_ascii_end();
        line.ends_with(b"\\")
    };
    match ends.len() {
        0 => 0,
        n => {
            let from = if shell {
                (n / 2).max(1).min(n - 1)
            } else {
                n / 2
            };
            ends[from..]
                .iter()
                .copied()
                .find(|&end| !continued(end))
                .unwrap_or(ends[from])
        }
    }
}

/// Exchange `i`'s reply stopped by a pager at `at`, the rest sent once
/// the driver answers it with `key` (a new exchange right after it). `None`
/// when a map recording already has that key.
fn paged(t: &Transcript, i: usize, at: usize, pager: &str, key: &str) -> Option<Transcript> {
    let mut t = t.clone();
    let reply = t.exchanges[i].reply.clone();
    let continuation = Exchange {
        input: key.as_bytes().to_vec(),
        reply: reply[at..].to_vec(),
    };
    if t.order == Order::Any && t.exchanges.iter().any(|e| e.input == continuation.input) {
        return None;
    }
    let mut first = reply[..at].to_vec();
    first.extend_from_slice(pager.as_bytes());
    t.exchanges[i].reply = first;
    t.exchanges.insert(i + 1, continuation);
    Some(t)
}

/// Run the chaos replay natively over every case of `D`'s models in
/// `dir` (with the vars beside it); panic with every failed check, or if
/// there is no case. The 50 MB configuration runs once, on the first case.
pub fn assert_chaos<D: crate::driver::Driver>(dir: impl AsRef<Path>) {
    use super::checks::{NativeTarget, assert_passed, driver_cases};
    let mut target = NativeTarget::<D>::default();
    let checks: Vec<Check> = driver_cases::<D>(dir.as_ref())
        .iter()
        .enumerate()
        .flat_map(|(i, case)| run_chaos(&mut target, case, i == 0))
        .collect();
    assert_passed("chaos checks", &checks);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{Backup, Driver};
    use crate::harness::checks::NativeTarget;
    use crate::session::Session;
    use crate::{DriverError, Level};

    /// A careful driver: ANSI stripped, newlines normalised, version
    /// optional, configuration essential.
    struct Careful;

    impl Driver for Careful {
        fn info() -> DriverInfo {
            DriverInfo::shell("acme", "0.1.0", &["acme"], r"^r1#\s*$", "! ")
        }
        fn login(session: &mut dyn Session, _: &Device) -> Result<(), DriverError> {
            session.strip_ansi(true);
            session.read_until(r"^r1#\s*$", None)?;
            Ok(())
        }
        fn backup(session: &mut dyn Session, _: &Device) -> Result<Backup, DriverError> {
            let mut config = String::new();
            if let Some(v) = session.optional("show version")? {
                config.push_str(&text::comment(&clean(&v), "! "));
            }
            config.push_str(&clean(&session.essential("show run")?));
            Ok(Backup::config(config))
        }
        fn logout(session: &mut dyn Session, _: &Device) -> Result<(), DriverError> {
            session.send("exit\n")?;
            Ok(())
        }
    }

    fn clean(raw: &str) -> String {
        let lines: String =
            text::unix_newlines(&text::remove_lone_cr(&text::apply_backspaces(raw)));
        text::command_output(&lines)
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .filter(|l| l != "\n")
            .collect()
    }

    const RECORDING: &str = "init_prompt: \"r1#\"\ncommands:\n  \"show version\\n\": \"show version\\r\\nAcme OS 1.0\\r\\nr1#\"\n  \"show run\\n\": \"show run\\r\\nhostname r1\\r\\ninterface e0\\r\\n description uplink\\r\\n!\\r\\nend\\r\\nr1#\"\n  \"exit\\n\": \"\"\n";

    fn case(dir: &Path) -> Case {
        let file = dir.join("acme#lab#simulation.yaml");
        std::fs::write(&file, RECORDING).unwrap();
        Case {
            model: "acme".into(),
            description: "lab".into(),
            simulation: Some(file),
            ..Case::default()
        }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("netraven-chaos-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_careful_driver_passes_every_change() {
        let checks = run_chaos(
            &mut NativeTarget::<Careful>::default(),
            &case(&scratch("careful")),
            true,
        );
        let failed: Vec<String> = checks
            .iter()
            .filter_map(|c| {
                c.outcome
                    .as_ref()
                    .err()
                    .map(|e| format!("{}: {e}", c.label()))
            })
            .collect();
        assert!(failed.is_empty(), "{failed:#?}");
        let names: Vec<String> = checks.iter().map(Check::label).collect();
        for wanted in [
            "chaos banner",
            "chaos reject \"show version\"",
            "chaos reject \"show run\"",
            "chaos essential",
            "chaos closed mid-output",
            "chaos 50 MB configuration",
        ] {
            assert!(
                names.iter().any(|n| n == wanted),
                "{wanted} missing: {names:?}"
            );
        }
    }

    /// A careless driver: a plain command for the configuration, and the
    /// raw bytes of the device (no terminal cleanup).
    struct Careless;

    impl Driver for Careless {
        fn info() -> DriverInfo {
            DriverInfo::shell("acme", "0.1.0", &["acme"], r"^r1#$", "! ")
        }
        fn login(session: &mut dyn Session, _: &Device) -> Result<(), DriverError> {
            session.strip_ansi(false);
            session.read_until(r"^r1#$", None)?;
            Ok(())
        }
        fn backup(session: &mut dyn Session, _: &Device) -> Result<Backup, DriverError> {
            let mut config = text::comment(
                &text::command_output(&session.command("show version")?),
                "! ",
            );
            config.push_str(&text::command_output(&session.command("show run")?));
            session.log(Level::Debug, "done");
            Ok(Backup::config(config))
        }
    }

    #[test]
    fn a_careless_driver_fails_the_changes_it_mishandles() {
        let checks = run_chaos(
            &mut NativeTarget::<Careless>::default(),
            &case(&scratch("careless")),
            false,
        );
        let outcome = |label: &str| {
            checks
                .iter()
                .find(|c| c.label() == label)
                .unwrap_or_else(|| panic!("{label} missing"))
                .outcome
                .clone()
        };
        // Its refusal is stored as configuration, its config is not essential.
        let err = outcome("chaos reject \"show run\"").unwrap_err();
        assert!(
            err.contains("neither logged as left out nor failed as essential"),
            "{err}"
        );
        assert!(
            outcome("chaos essential")
                .unwrap_err()
                .contains("not essential")
        );
        let err = outcome("chaos ANSI codes").unwrap_err();
        assert!(err.contains("differs"), "{err}");
        let err = outcome("chaos lone \\r").unwrap_err();
        assert!(err.contains("differs"), "{err}");
        // Blank lines before a prompt (commented as bare `!`) and blanks
        // after it are no change of content.
        assert_eq!(
            outcome("chaos blank lines and trailing spaces at prompts"),
            Ok(())
        );
        // A dropped connection is noticed by any driver.
        assert_eq!(outcome("chaos closed mid-output"), Ok(()));
        assert_eq!(outcome("chaos banner"), Ok(()));
    }
}
