//! A device's telnet side: the options a device offers (it echoes, it
//! suppresses go-ahead, it wants the window size), the login dialogue a
//! Cisco-like CLI runs (`Username:`, `Password:`, `% Login invalid`), then
//! the same shell replay as over SSH. Written from RFC 854 and the option
//! RFCs; it shares no code with the client's telnet.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use russh::ChannelMsg;
use tokio::io::{AsyncReadExt, ReadHalf};
use tracing::debug;

use crate::channel::{ChannelIo, Context};
use crate::device::Served;
use crate::fault::Fault;
use crate::listen::CuttableStream;
use crate::output::Output;
use crate::shell;

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
const ECHO: u8 = 1;
const SGA: u8 = 3;
const NAWS: u8 = 31;

/// Login attempts before the device hangs up, as IOS allows.
const ATTEMPTS: usize = 3;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Data,
    Iac,
    Option,
    Sub,
    SubIac,
}

/// The client's input as the shell reads it: telnet commands taken out,
/// IAC IAC as one 255, and Enter (CR LF, or CR NUL as terminals send it)
/// as the line ending the recording's inputs have (LF, or CR LF for a
/// client that typed CR LF over SSH).
#[derive(Debug)]
pub struct Input {
    state: State,
    after_cr: bool,
    newline: &'static [u8],
    buf: Vec<u8>,
}

impl Default for Input {
    fn default() -> Self {
        Input::with_newline(b"\n")
    }
}

impl Input {
    pub fn with_newline(newline: &'static [u8]) -> Self {
        Input {
            state: State::Data,
            after_cr: false,
            newline,
            buf: Vec::new(),
        }
    }

    /// Decode `bytes`; what the shell should see.
    fn decode(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        for &b in bytes {
            self.state = match self.state {
                State::Data if b == IAC => State::Iac,
                State::Data => {
                    // The NVT follows every CR with LF (a newline) or NUL
                    // (a carriage return): held until the next byte says.
                    match (std::mem::take(&mut self.after_cr), b) {
                        // Enter, as CR LF or (a terminal's default) CR NUL.
                        (true, b'\n' | 0) => out.extend_from_slice(self.newline),
                        (true, b'\r') => out.push(b'\r'),
                        (true, other) => out.extend_from_slice(&[b'\r', other]),
                        (false, b'\r') => {}
                        (false, other) => out.push(other),
                    }
                    self.after_cr = b == b'\r';
                    State::Data
                }
                State::Iac => match b {
                    IAC => {
                        if std::mem::take(&mut self.after_cr) {
                            out.push(b'\r');
                        }
                        out.push(IAC);
                        State::Data
                    }
                    WILL | WONT | DO | DONT => State::Option,
                    SB => State::Sub,
                    _ => State::Data,
                },
                // The client's answers to our offers need no reply.
                State::Option => State::Data,
                State::Sub if b == IAC => State::SubIac,
                State::Sub => State::Sub,
                State::SubIac if b == SE => State::Data,
                State::SubIac => State::Sub,
            };
        }
        out
    }

    /// The next input from `read`, decoded (possibly empty: only telnet
    /// commands came); `None` once the client is gone.
    pub async fn read(&mut self, read: &mut ReadHalf<CuttableStream>) -> Option<Vec<u8>> {
        if self.buf.is_empty() {
            self.buf = vec![0; 4096];
        }
        match read.read(&mut self.buf).await {
            Ok(0) | Err(_) => None,
            Ok(n) => {
                let chunk = self.buf[..n].to_vec();
                Some(self.decode(&chunk))
            }
        }
    }
}

/// Output as the NVT carries it: 255 doubled, a bare CR as CR NUL.
pub fn encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            IAC => out.extend_from_slice(&[IAC, IAC]),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => out.extend_from_slice(b"\r\0"),
            _ => out.push(b),
        }
    }
    out
}

/// Run `op` while reading the client's input into `backlog`. `None` when
/// the client goes away first.
pub async fn pump<F: Future>(
    read: &mut ReadHalf<CuttableStream>,
    input: &mut Input,
    backlog: &mut VecDeque<Vec<u8>>,
    discard: bool,
    op: F,
) -> Option<F::Output> {
    tokio::pin!(op);
    loop {
        tokio::select! {
            biased;
            out = &mut op => return Some(out),
            data = input.read(read) => match data {
                None => return None,
                Some(data) if !discard && !data.is_empty() => backlog.push_back(data),
                Some(_) => {}
            },
        }
    }
}

/// The line ending the recording's inputs were typed with: CR LF when
/// most that end a line do, else LF.
fn newline_of(served: &Served) -> &'static [u8] {
    let inputs = &served.device.transcript.exchanges;
    let ended = inputs.iter().filter(|e| e.input.ends_with(b"\n")).count();
    let crlf = inputs.iter().filter(|e| e.input.ends_with(b"\r\n")).count();
    if ended > 0 && crlf * 2 > ended {
        b"\r\n"
    } else {
        b"\n"
    }
}

/// The next line the client types, echoed back when `echo`; `None` if it
/// leaves.
async fn line(io: &mut ChannelIo, echo: bool) -> Option<Vec<u8>> {
    let mut typed = Vec::new();
    loop {
        let Some(ChannelMsg::Data { data }) = io.next().await else {
            return None;
        };
        for &b in data.iter() {
            if b == b'\n' || b == b'\r' {
                if !io.data(b"\r\n".to_vec()).await {
                    return None;
                }
                return Some(typed);
            }
            typed.push(b);
            if echo && !io.data(vec![b]).await {
                return None;
            }
        }
    }
}

/// Serve one telnet connection: options, login, then the shell.
pub async fn serve(stream: CuttableStream, served: Arc<Served>, output: Arc<Output>) {
    let mut io = ChannelIo::telnet(stream, Input::with_newline(newline_of(&served)));
    // What a Cisco offers: it echoes, suppresses go-ahead, wants the size.
    if !io
        .telnet_write(vec![IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS])
        .await
    {
        return;
    }
    let device = &served.device;
    let mut greeting = b"\r\nUser Access Verification\r\n\r\nUsername: ".to_vec();
    for attempt in 1..=ATTEMPTS {
        if !io.data(std::mem::take(&mut greeting)).await {
            return;
        }
        let Some(user) = line(&mut io, true).await else {
            return;
        };
        if !io.data(b"Password: ".to_vec()).await {
            return;
        }
        let Some(password) = line(&mut io, false).await else {
            return;
        };
        let expected = device.password.as_deref().unwrap_or(&served.lab.password);
        if device.fault != Some(Fault::RejectPassword)
            && user == served.lab.user.as_bytes()
            && password == expected.as_bytes()
        {
            let context = Context {
                served: served.clone(),
                exec: Arc::new(Mutex::new(None)),
                output,
                session: None,
            };
            return shell::run(io, context).await;
        }
        debug!(device = %device.name, attempt, "telnet login refused");
        greeting = b"\r\n% Login invalid\r\n\r\nUsername: ".to_vec();
    }
    let _ = io.data(b"\r\n% Bad passwords\r\n".to_vec()).await;
    io.finish(None).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_drops_commands_and_reads_the_nvt_line_ends() {
        let mut input = Input::default();
        let got = input.decode(&[
            b's', b'h', IAC, DO, ECHO, b'\r', b'\n', IAC, SB, NAWS, 1, 255, 255, 0, 24, IAC, SE,
            b'y', b'\r', 0, IAC, IAC,
        ]);
        assert_eq!(got, b"sh\ny\n\xff");
        // A CR LF split between two reads is still one newline.
        let mut input = Input::default();
        let mut got = input.decode(b"show run\r");
        got.extend(input.decode(b"\nx"));
        assert_eq!(got, b"show run\nx");
        // For a recording typed with CR LF.
        let mut input = Input::with_newline(b"\r\n");
        assert_eq!(input.decode(b"show run\r\n"), b"show run\r\n");
    }

    #[test]
    fn output_doubles_iac_and_pads_a_bare_cr() {
        assert_eq!(encode(b"a\r\nb\rc\xff"), b"a\r\nb\r\0c\xff\xff");
    }
}
