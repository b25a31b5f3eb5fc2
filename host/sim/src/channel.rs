//! A session channel: wait for the client to ask for a shell or a command,
//! then hand over to [`crate::shell`] or [`crate::exec`].

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netraven_driver_sdk::harness::ReplayDevice;
use russh::server::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf};

use crate::device::Served;
use crate::output::Output;
use crate::{exec, shell};

/// What a channel's task needs from its connection.
pub struct Context {
    pub served: Arc<Served>,
    pub exec: Arc<Mutex<Option<ReplayDevice>>>,
    pub output: Arc<Output>,
    pub session: russh::server::Handle,
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

/// Both halves of a channel. While it writes, it keeps reading: russh
/// blocks the whole connection once a channel holds 100 unread messages,
/// and a write waiting for the client's window must not wait on that.
pub struct ChannelIo {
    read: ChannelReadHalf,
    write: ChannelWriteHalf<Msg>,
    backlog: VecDeque<ChannelMsg>,
    /// Set once no output depends on input any more (a hang, endless
    /// output): what the client sends is dropped instead of kept.
    pub discard_input: bool,
}

impl ChannelIo {
    pub fn new(channel: Channel<Msg>) -> Self {
        let (read, write) = channel.split();
        ChannelIo {
            read,
            write,
            backlog: VecDeque::new(),
            discard_input: false,
        }
    }

    /// The client's next message; `None` once the connection is gone.
    pub async fn next(&mut self) -> Option<ChannelMsg> {
        match self.backlog.pop_front() {
            Some(msg) => Some(msg),
            None => self.read.wait().await,
        }
    }

    /// Send output; `false` if the channel or connection is gone.
    pub async fn data(&mut self, bytes: Vec<u8>) -> bool {
        let send = self.write.data_bytes(bytes);
        matches!(
            pump(&mut self.read, &mut self.backlog, self.discard_input, send).await,
            Some(Ok(()))
        )
    }

    /// Send to stderr (extended data type 1).
    pub async fn stderr(&mut self, bytes: Vec<u8>) -> bool {
        let send = self.write.extended_data_bytes(1, bytes);
        matches!(
            pump(&mut self.read, &mut self.backlog, self.discard_input, send).await,
            Some(Ok(()))
        )
    }

    /// Pause; `false` if the channel or connection went away meanwhile.
    pub async fn sleep(&mut self, pause: Duration) -> bool {
        let sleep = tokio::time::sleep(pause);
        pump(&mut self.read, &mut self.backlog, self.discard_input, sleep)
            .await
            .is_some()
    }

    /// Send nothing ever again, but keep reading until the client leaves.
    pub async fn idle_forever(&mut self) {
        self.discard_input = true;
        self.backlog.clear();
        while let Some(msg) = self.read.wait().await {
            if matches!(msg, ChannelMsg::Close) {
                return;
            }
        }
    }

    /// End the channel: exit status (exec), EOF, close.
    pub async fn finish(&mut self, exit_status: Option<u32>) {
        if let Some(status) = exit_status {
            let _ = self.write.exit_status(status).await;
        }
        let _ = self.write.eof().await;
        let _ = self.write.close().await;
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
