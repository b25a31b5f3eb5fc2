//! A shell channel: the transcript's greeting, then the recorded reply to
//! each input the client types. A line the recording lacks gets the
//! vendor's error and the prompt again ([`crate::unrecorded`]), or, with
//! `--strict`, ends the session with the replay's message.

use std::sync::Arc;
use std::time::Duration;

use netraven_driver_sdk::Mode;
use netraven_driver_sdk::harness::replay::{Read, show};
use netraven_driver_sdk::harness::{Order, ReplayDevice, Transcript};
use russh::{ChannelMsg, Disconnect};

use crate::channel::{ChannelIo, Context};
use crate::fault::Fault;
use crate::unrecorded::{self, Line};

/// How long a closing device gives the client to hang up by itself (as
/// OpenSSH does once the channel closes) before dropping the connection.
/// russh ignores the client's answering channel close, so a client that
/// stays connected always waits this long.
const CLOSE_GRACE: Duration = Duration::from_millis(500);

pub async fn run(mut io: ChannelIo, context: Context) {
    let device = &context.served.device;
    if device.fault == Some(Fault::HangBeforePrompt) {
        io.idle_forever().await;
        return;
    }
    let output = &context.output;
    if !output.login_delay(&mut io).await {
        return;
    }
    let mut replay = ReplayDevice::new((*device.transcript).clone(), Mode::Shell);
    let mut echo = Echo::new(device.transcript.clone());
    let strict = context.served.lab.strict;
    let user_mode = device.fault == Some(Fault::UserMode);
    let rejected = match &device.fault {
        Some(Fault::Reject(command)) => Some(command.as_bytes()),
        _ => None,
    };
    // What the device shows again after a line it does not know.
    let mut prompt = Vec::new();
    // A line the recording does not have, being typed.
    let mut unknown: Option<Line> = None;
    // The line ended with `\r`: a `\n` right after it belongs to it.
    let mut after_cr = false;
    if let Read::Data(greeting) = replay.read() {
        let mut greeting = if user_mode {
            unrecorded::user_mode(&greeting)
        } else {
            greeting
        };
        if let Some(Fault::Banner(banner)) = &device.fault {
            greeting.splice(0..0, banner.text.iter().copied());
        }
        prompt = unrecorded::last_line(&greeting).to_vec();
        if !output.plain(&mut io, greeting).await {
            return;
        }
    }
    while let Some(msg) = io.next().await {
        let data = match msg {
            ChannelMsg::Data { data } => data,
            // The client will type nothing more.
            ChannelMsg::Eof => break,
            ChannelMsg::Close => return,
            _ => continue,
        };
        // Byte by byte, so each keystroke can be echoed as a device's
        // line editor does, and an input completes exactly at its last byte.
        // The echo of one packet goes out together, and with the reply when
        // the packet completes an input: a client that sends whole lines
        // gets the recorded reply in one piece.
        let mut echoed = Vec::new();
        for (i, &byte) in data.iter().enumerate() {
            if std::mem::take(&mut after_cr) && byte == b'\n' {
                continue;
            }
            if unknown.is_none()
                && let Err(e) = replay.write(&[byte])
            {
                if strict {
                    let message = echo.rejected(&e.to_string(), byte, &data[i + 1..]);
                    echoed
                        .extend_from_slice(format!("\r\n% netraven-sim: {message}\r\n").as_bytes());
                    io.data(echoed).await;
                    io.finish(Some(1)).await;
                    return;
                }
                // Answer as the device would: echo the line as typed, then
                // the error and the prompt once it ends.
                let (typed, not_echoed) = echo.abandon();
                replay.discard_typed();
                echoed.extend_from_slice(&not_echoed);
                unknown = Some(Line::new(typed));
            }
            if let Some(line) = unknown.as_mut() {
                line.push(byte);
                if !line.ended() {
                    echoed.push(byte);
                    continue;
                }
                after_cr = byte == b'\r';
                echoed.extend(line.answer(&device.model, &prompt));
                unknown = None;
                if !output.plain(&mut io, std::mem::take(&mut echoed)).await {
                    return;
                }
                continue;
            }
            let more = match replay.read() {
                Read::Data(reply) => {
                    let mut input = echo.pending().to_vec();
                    input.push(byte);
                    let reply = if rejected.is_some_and(|c| unrecorded::is_line(&input, c)) {
                        unrecorded::refused(&device.model, &input, &prompt)
                    } else if user_mode {
                        if unrecorded::needs_privilege(&input) {
                            unrecorded::refused(&device.model, &input, &prompt)
                        } else {
                            unrecorded::user_mode(&reply)
                        }
                    } else {
                        reply
                    };
                    let last = unrecorded::last_line(&reply);
                    if !last.is_empty() {
                        prompt = last.to_vec();
                    }
                    let mut out = std::mem::take(&mut echoed);
                    out.extend(echo.complete(reply));
                    output.reply(&mut io, out).await
                }
                Read::Idle => {
                    echoed.extend(echo.typed(byte));
                    true
                }
                Read::Closed => {
                    if !echoed.is_empty() {
                        output.plain(&mut io, std::mem::take(&mut echoed)).await;
                    }
                    // An empty recorded reply: the device ends the session
                    // and drops the connection. Not at once: OpenSSH exits
                    // on a disconnect without printing the output it holds.
                    io.finish(Some(0)).await;
                    let _ = tokio::time::timeout(CLOSE_GRACE, io.idle_forever()).await;
                    if let Some(session) = &context.session {
                        let _ = session
                            .disconnect(
                                Disconnect::ByApplication,
                                "session closed by the device".to_string(),
                                "en".to_string(),
                            )
                            .await;
                    }
                    return;
                }
            };
            if !more {
                return;
            }
        }
        if !echoed.is_empty() && !output.plain(&mut io, echoed).await {
            return;
        }
    }
    io.finish(None).await;
}

/// Echoes keystrokes before the input is complete.
///
/// A transcript records the echo of a command at the start of its reply,
/// but a real device echoes each character as it is typed, and clients
/// such as scrapli wait for that echo before sending the newline
/// (FIELD-NOTES, "The corpus transcripts"). So a typed byte is echoed at
/// once when every recorded input it may still become has a reply starting
/// with what has been typed, and that much is cut from the reply later.
/// Passwords and pager keys are not echoed: their replies don't start
/// with them. The bytes the client receives are the recorded ones either way.
struct Echo {
    transcript: Arc<Transcript>,
    /// Inputs completed so far (the position in a strictly ordered transcript).
    completed: usize,
    typed: Vec<u8>,
    echoed: usize,
}

impl Echo {
    fn new(transcript: Arc<Transcript>) -> Self {
        Echo {
            transcript,
            completed: 0,
            typed: Vec::new(),
            echoed: 0,
        }
    }

    /// A byte that did not complete an input; `Some` to echo it now.
    fn typed(&mut self, byte: u8) -> Option<u8> {
        let all_echoed = self.echoed == self.typed.len();
        self.typed.push(byte);
        if !all_echoed {
            return None;
        }
        let exchanges = &self.transcript.exchanges;
        let candidates = match self.transcript.order {
            Order::Any => exchanges.as_slice(),
            Order::Strict => exchanges
                .get(self.completed..(self.completed + 1).min(exchanges.len()))
                .unwrap_or(&[]),
        };
        let mut possible = candidates
            .iter()
            .filter(|e| e.input.starts_with(&self.typed))
            .peekable();
        let echo = possible.peek().is_some() && possible.all(|e| e.reply.starts_with(&self.typed));
        if echo {
            self.echoed += 1;
            Some(byte)
        } else {
            None
        }
    }

    /// The replay's message for a rejected `byte`, naming the whole
    /// input as the client sent it (`rest`: what followed in the same
    /// packet) rather than only the bytes up to the first wrong one.
    fn rejected(&self, message: &str, byte: u8, rest: &[u8]) -> String {
        let mut up_to = self.typed.clone();
        up_to.push(byte);
        let mut whole = up_to.clone();
        whole.extend_from_slice(rest);
        message.replacen(
            &format!("sent {}", show(&up_to)),
            &format!("sent {}", show(&whole)),
            1,
        )
    }

    /// What has been typed of the input so far.
    fn pending(&self) -> &[u8] {
        &self.typed
    }

    /// The input being typed is not in the recording: forget it. Returns
    /// what was typed and the part of it not echoed yet.
    fn abandon(&mut self) -> (Vec<u8>, Vec<u8>) {
        let typed = std::mem::take(&mut self.typed);
        let not_echoed = typed[self.echoed.min(typed.len())..].to_vec();
        self.echoed = 0;
        (typed, not_echoed)
    }

    /// An input completed with `reply`: the part still to send.
    fn complete(&mut self, mut reply: Vec<u8>) -> Vec<u8> {
        let echoed = &self.typed[..self.echoed];
        if reply.starts_with(echoed) {
            reply.drain(..echoed.len());
        }
        self.completed += 1;
        self.typed.clear();
        self.echoed = 0;
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(text: &str) -> Arc<Transcript> {
        Arc::new(Transcript::parse(text).unwrap())
    }

    /// Type `input` byte by byte through a replay and the echo; return what
    /// the client would see.
    fn session(t: &Arc<Transcript>, inputs: &[&str]) -> Vec<u8> {
        let mut replay = ReplayDevice::new((**t).clone(), Mode::Shell);
        let mut echo = Echo::new(t.clone());
        let mut seen = Vec::new();
        if let Read::Data(g) = replay.read() {
            seen.extend(g);
        }
        for input in inputs {
            for &b in input.as_bytes() {
                replay.write(&[b]).unwrap();
                match replay.read() {
                    Read::Data(reply) => seen.extend(echo.complete(reply)),
                    Read::Idle => seen.extend(echo.typed(b)),
                    Read::Closed => {}
                }
            }
        }
        seen
    }

    #[test]
    fn echo_ahead_keeps_the_recorded_bytes() {
        let t = transcript(
            "init_prompt: r1#\ncommands:\n  \"show run\\n\": |-\n    show run\n    a\n    r1#\n  \"show ver\\n\": |-\n    show ver\n    b\n    r1#\n",
        );
        assert_eq!(session(&t, &["show ver\n"]), b"r1#show ver\nb\nr1#");
        let mut echo = Echo::new(t.clone());
        for &b in b"show " {
            assert_eq!(echo.typed(b), Some(b));
        }
    }

    #[test]
    fn secrets_and_pager_keys_are_not_echoed() {
        let t = transcript(
            "init_prompt: \"Password: \"\ncommands:\n  - \"secret\\n\": |-\n      \n      r1#\n  - \"show run\\n\": |-\n      show run\n      --More--\n  - \" \": |-\n      b\n      r1#\n",
        );
        let mut echo = Echo::new(t.clone());
        assert_eq!(echo.typed(b's'), None);
        assert_eq!(
            session(&t, &["secret\n", "show run\n", " "]),
            b"Password: \nr1#show run\n--More--b\nr1#"
        );
    }

    #[test]
    fn rejection_names_the_whole_input_not_just_the_first_wrong_byte() {
        let t = transcript(
            "init_prompt: r1#\ncommands:\n  \"show run\\n\": |-\n    show run\n    r1#\n",
        );
        let mut replay = ReplayDevice::new((*t).clone(), Mode::Shell);
        let mut echo = Echo::new(t.clone());
        let data = b"show rx\n";
        for (i, &b) in data.iter().enumerate() {
            match replay.write(&[b]) {
                Ok(()) => {
                    echo.typed(b);
                }
                Err(e) => {
                    let m = echo.rejected(&e.to_string(), b, &data[i + 1..]);
                    assert!(m.contains(r#"sent "show rx\n", but"#), "{m}");
                    return;
                }
            }
        }
        panic!("show rx was not rejected");
    }

    #[test]
    fn echo_stops_where_the_reply_differs_from_the_keystrokes() {
        // APC devices answer "about" with "about\r\n": the newline is theirs.
        let t = transcript("commands:\n  \"ab\\n\": \"ab\\r\\nok\"\n");
        let mut echo = Echo::new(t.clone());
        assert_eq!(echo.typed(b'a'), Some(b'a'));
        assert_eq!(echo.typed(b'b'), Some(b'b'));
        assert_eq!(echo.complete(b"ab\r\nok".to_vec()), b"\r\nok");
    }
}
