//! A session channel: wait for the client to ask for a shell or a command,
//! then hand over to [`crate::shell`] or [`crate::exec`]. [`ChannelIo`] is
//! the shell's stream, over SSH or telnet.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netraven_driver_sdk::harness::ReplayDevice;
use russh::server::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf};
use tokio::io::{AsyncWriteExt, ReadHalf, WriteHalf};

use crate::device::Served;
use crate::listen::CuttableStream;
use crate::output::Output;
use crate::{exec, shell, telnet};

/// What a channel's task needs from its connection.
pub struct Context {
    pub served: Arc<Served>,
    pub exec: Arc<Mutex<Option<ReplayDevice>>>,
    pub output: Arc<Output>,
    /// The SSH connection, to drop it when the device ends the session;
    /// `None` on telnet, where ending the stream is all there is.
    pub session: Option<russh::server::Handle>,
}

/// Serve one session channel until it or the connection closes.
pub async fn run(channel: Channel<Msg>, context: Context) {
    let mut io = ChannelIo::new(channel);
    while let Some(msg) = io.next().await {
        match msg {
            ChannelMsg::RequestShell { .. } => return shell::run(io, context).await,
            ChannelMsg::Exec { command, .. } => return exec::run(io, context, command).await,
            ChannelMsg::Eof | ChannelMsg::Close => return,
            // A pty, environment, window size, or data before the shell:
            // the replay does not depend on them.
            _ => {}
        }
    }
}

/// A shell's stream to the client: an SSH channel, or a telnet connection
/// (whose input reaches the shell as the `Data` and `Eof` an SSH channel
/// would carry). While it writes, it keeps reading: russh blocks the whole
/// connection once a channel holds 100 unread messages, and a write
/// waiting for the client's window must not wait on that.
pub struct ChannelIo {
    link: Link,
    /// Set once no output depends on input any more (a hang, endless
    /// output): what the client sends is dropped instead of kept.
    pub discard_input: bool,
}

enum Link {
    Ssh {
        read: ChannelReadHalf,
        write: ChannelWriteHalf<Msg>,
        backlog: VecDeque<ChannelMsg>,
    },
    Telnet {
        read: ReadHalf<CuttableStream>,
        write: WriteHalf<CuttableStream>,
        input: telnet::Input,
        backlog: VecDeque<Vec<u8>>,
        eof_sent: bool,
    },
}

impl ChannelIo {
    pub fn new(channel: Channel<Msg>) -> Self {
        let (read, write) = channel.split();
        ChannelIo {
            link: Link::Ssh {
                read,
                write,
                backlog: VecDeque::new(),
            },
            discard_input: false,
        }
    }

    pub fn telnet(stream: CuttableStream, input: telnet::Input) -> Self {
        let (read, write) = tokio::io::split(stream);
        ChannelIo {
            link: Link::Telnet {
                read,
                write,
                input,
                backlog: VecDeque::new(),
                eof_sent: false,
            },
            discard_input: false,
        }
    }

    /// The client's next message; `None` once the connection is gone.
    pub async fn next(&mut self) -> Option<ChannelMsg> {
        match &mut self.link {
            Link::Ssh { read, backlog, .. } => match backlog.pop_front() {
                Some(msg) => Some(msg),
                None => read.wait().await,
            },
            Link::Telnet {
                read,
                input,
                backlog,
                eof_sent,
                ..
            } => {
                if let Some(data) = backlog.pop_front() {
                    return Some(ChannelMsg::Data { data: data.into() });
                }
                loop {
                    match input.read(read).await {
                        Some(data) if data.is_empty() => continue,
                        Some(data) => {
                            return Some(ChannelMsg::Data { data: data.into() });
                        }
                        None if !*eof_sent => {
                            *eof_sent = true;
                            return Some(ChannelMsg::Eof);
                        }
                        None => return None,
                    }
                }
            }
        }
    }

    /// Send output; `false` if the channel or connection is gone.
    pub async fn data(&mut self, bytes: Vec<u8>) -> bool {
        let discard = self.discard_input;
        match &mut self.link {
            Link::Ssh {
                read,
                write,
                backlog,
            } => {
                let send = write.data_bytes(bytes);
                matches!(pump(read, backlog, discard, send).await, Some(Ok(())))
            }
            Link::Telnet { .. } => self.telnet_write(telnet::encode(&bytes)).await,
        }
    }

    /// Send to stderr (extended data type 1; telnet has one stream).
    pub async fn stderr(&mut self, bytes: Vec<u8>) -> bool {
        let discard = self.discard_input;
        match &mut self.link {
            Link::Ssh {
                read,
                write,
                backlog,
            } => {
                let send = write.extended_data_bytes(1, bytes);
                matches!(pump(read, backlog, discard, send).await, Some(Ok(())))
            }
            Link::Telnet { .. } => self.data(bytes).await,
        }
    }

    /// Bytes exactly as given (telnet commands included), while reading.
    pub async fn telnet_write(&mut self, bytes: Vec<u8>) -> bool {
        let discard = self.discard_input;
        match &mut self.link {
            Link::Telnet {
                read,
                write,
                input,
                backlog,
                ..
            } => {
                let send = async {
                    write.write_all(&bytes).await?;
                    write.flush().await
                };
                matches!(
                    telnet::pump(read, input, backlog, discard, send).await,
                    Some(Ok(()))
                )
            }
            Link::Ssh { .. } => false,
        }
    }

    /// Pause; `false` if the channel or connection went away meanwhile.
    pub async fn sleep(&mut self, pause: Duration) -> bool {
        let sleep = tokio::time::sleep(pause);
        let discard = self.discard_input;
        match &mut self.link {
            Link::Ssh { read, backlog, .. } => pump(read, backlog, discard, sleep).await.is_some(),
            Link::Telnet {
                read,
                input,
                backlog,
                ..
            } => telnet::pump(read, input, backlog, discard, sleep)
                .await
                .is_some(),
        }
    }

    /// Send nothing ever again, but keep reading until the client leaves.
    pub async fn idle_forever(&mut self) {
        self.discard_input = true;
        match &mut self.link {
            Link::Ssh { read, backlog, .. } => {
                backlog.clear();
                while let Some(msg) = read.wait().await {
                    if matches!(msg, ChannelMsg::Close) {
                        return;
                    }
                }
            }
            Link::Telnet {
                read,
                input,
                backlog,
                ..
            } => {
                backlog.clear();
                while input.read(read).await.is_some() {}
            }
        }
    }

    /// End the channel: exit status (exec), EOF, close; on telnet, the
    /// end of the stream.
    pub async fn finish(&mut self, exit_status: Option<u32>) {
        match &mut self.link {
            Link::Ssh { write, .. } => {
                if let Some(status) = exit_status {
                    let _ = write.exit_status(status).await;
                }
                let _ = write.eof().await;
                let _ = write.close().await;
            }
            Link::Telnet { write, .. } => {
                let _ = write.shutdown().await;
            }
        }
    }
}

/// Run `op` while taking the channel's messages into `backlog`. `None`
/// when the channel closes or the connection ends first.
async fn pump<F: Future>(
    read: &mut ChannelReadHalf,
    backlog: &mut VecDeque<ChannelMsg>,
    discard: bool,
    op: F,
) -> Option<F::Output> {
    tokio::pin!(op);
    loop {
        tokio::select! {
            biased;
            out = &mut op => return Some(out),
            msg = read.wait() => match msg {
                None | Some(ChannelMsg::Close) => return None,
                // Window updates already took effect inside russh.
                Some(ChannelMsg::WindowAdjusted { .. }) => {}
                Some(msg) if !discard => backlog.push_back(msg),
                Some(_) => {}
            },
        }
    }
}
