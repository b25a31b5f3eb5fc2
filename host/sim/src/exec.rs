//! An exec channel: one recorded command (Junos-style devices), or a file
//! fetched with `scp -f` (the APC `config.ini`).

use netraven_driver_sdk::harness::ReplayDevice;
use netraven_driver_sdk::{Mode, SessionError};
use russh::ChannelMsg;

use crate::channel::{ChannelIo, Context};
use crate::fault::Fault;
use crate::unrecorded;

/// The exit status of a command the transcript does not know, as a shell
/// reports a command it cannot find.
const UNKNOWN_COMMAND: u32 = 127;

pub async fn run(mut io: ChannelIo, context: Context, command: Vec<u8>) {
    if context.served.device.fault == Some(Fault::HangBeforePrompt) {
        io.idle_forever().await;
        return;
    }
    let command = String::from_utf8_lossy(&command).into_owned();
    if let Some(path) = scp_source_path(&command) {
        return scp(io, context, &path).await;
    }
    if let Some(Fault::Reject(refused)) = &context.served.device.fault
        && *refused == command.trim_end()
    {
        // Recorded or not, the command is answered the way the device
        // refuses one; it still uses the recording's step.
        let _ = answer(&context, |device| device.exec(&command));
        let error = unrecorded::error_line(&context.served.device.model, &command);
        if context
            .output
            .reply(&mut io, format!("{error}\n").into_bytes())
            .await
        {
            io.finish(Some(1)).await;
        }
        return;
    }
    match answer(&context, |device| device.exec(&command)) {
        Ok(reply) => {
            if context.output.reply(&mut io, reply).await {
                io.finish(Some(0)).await;
            }
        }
        Err(e) => {
            io.stderr(format!("netraven-sim: {e}\n").into_bytes()).await;
            io.finish(Some(UNKNOWN_COMMAND)).await;
        }
    }
}

/// Ask the connection's exec replay, made on first use.
fn answer(
    context: &Context,
    ask: impl FnOnce(&mut ReplayDevice) -> Result<Vec<u8>, SessionError>,
) -> Result<Vec<u8>, SessionError> {
    let mut slot = context.exec.lock().unwrap_or_else(|e| e.into_inner());
    let device = slot.get_or_insert_with(|| {
        ReplayDevice::new((*context.served.device.transcript).clone(), Mode::Exec)
    });
    ask(device)
}

/// `scp -f [-p] [--] PATH`: the remote end of a download.
fn scp_source_path(command: &str) -> Option<String> {
    let words = shell_words(command);
    let (program, args) = words.split_first()?;
    if program != "scp" {
        return None;
    }
    let mut source = false;
    let mut path = None;
    for word in args {
        match word.strip_prefix('-') {
            Some("-") => {}
            Some(flags) => source |= flags.contains('f'),
            None => path = Some(word.clone()),
        }
    }
    if source { path } else { None }
}

/// Split a command line as a POSIX shell would for plain words: blanks
/// separate, quotes group, a backslash outside single quotes escapes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => word.get_or_insert_default().push(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    word.get_or_insert_default().push(next);
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (_, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}

/// The source side of the SCP (rcp) protocol for one file. The sink (the
/// client) sends a NUL when it is ready and after each step; the source
/// sends `C<mode> <length> <name>\n`, then the bytes and a NUL.
async fn scp(mut io: ChannelIo, context: Context, path: &str) {
    let mut acks = Acks::default();
    if !acks.next(&mut io).await {
        io.finish(Some(1)).await;
        return;
    }
    let content = match answer(&context, |device| device.fetch_file(path)) {
        Ok(c) => c,
        Err(e) => {
            // \x01: a warning the sink prints, then the transfer ends.
            let message = format!("\x01scp: {path}: no such file in the transcript ({e})\n");
            io.data(message.into_bytes()).await;
            io.finish(Some(1)).await;
            return;
        }
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    let header = format!("C0644 {} {name}\n", content.len());
    if !context.output.plain(&mut io, header.into_bytes()).await || !acks.next(&mut io).await {
        io.finish(Some(1)).await;
        return;
    }
    if !context.output.reply(&mut io, content).await {
        return;
    }
    if !context.output.plain(&mut io, vec![0]).await || !acks.next(&mut io).await {
        io.finish(Some(1)).await;
        return;
    }
    io.finish(Some(0)).await;
}

/// The sink's status bytes, which may arrive together or split.
#[derive(Default)]
struct Acks {
    pending: Vec<u8>,
}

impl Acks {
    /// `true` on a NUL (go on); `false` on an error byte or a closed channel.
    async fn next(&mut self, io: &mut ChannelIo) -> bool {
        while self.pending.is_empty() {
            match io.next().await {
                Some(ChannelMsg::Data { data }) => self.pending.extend_from_slice(&data),
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => return false,
                Some(_) => {}
            }
        }
        self.pending.remove(0) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scp_source_commands_give_their_path() {
        assert_eq!(
            scp_source_path("scp -f config.ini").as_deref(),
            Some("config.ini")
        );
        assert_eq!(
            scp_source_path("scp -p -f -- '/cfg/a b'").as_deref(),
            Some("/cfg/a b")
        );
        assert_eq!(
            scp_source_path(r#"scp -f "x\"y" "#).as_deref(),
            Some("x\"y")
        );
        assert_eq!(scp_source_path("scp -pf /cfg/x").as_deref(), Some("/cfg/x"));
        assert_eq!(scp_source_path("scp -t config.ini"), None);
        assert_eq!(scp_source_path("show version"), None);
    }
}
