//! Sockets: where each device listens, the accept loops, and a TCP stream
//! that a `disconnect-mid-output` device can cut.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use anyhow::Result;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tracing::{debug, warn};

use crate::device::{Connection, Served};
use crate::fault::Fault;
use crate::output::Output;

/// How devices are spread over addresses and ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// All on 127.0.0.1; device i on port `base + i`, or an ephemeral port
    /// chosen by the OS when `base` is 0.
    Ports { base: u16 },
    /// Device i on address `base + i` (within 127.0.0.0/8), all on `port`.
    Addresses { base: Ipv4Addr, port: u16 },
}

impl Placement {
    /// Check that `count` devices fit; the error names the flag.
    pub fn check(&self, count: usize) -> Result<(), String> {
        match *self {
            Placement::Ports { base: 0 } => Ok(()),
            Placement::Ports { base } => {
                let last = base as usize + count.saturating_sub(1);
                if last > u16::MAX as usize {
                    Err(format!(
                        "--base-port {base}: {count} devices would need ports up to {last}"
                    ))
                } else {
                    Ok(())
                }
            }
            Placement::Addresses { base, .. } => {
                if base.octets()[0] != 127 {
                    return Err(format!(
                        "--address-base {base}: must be a loopback address (127.x.y.z)"
                    ));
                }
                let last = u32::from(base) as u64 + count.saturating_sub(1) as u64;
                if last > u32::from(Ipv4Addr::new(127, 255, 255, 254)) as u64 {
                    return Err(format!(
                        "--address-base {base}: {count} devices do not fit in 127.0.0.0/8"
                    ));
                }
                Ok(())
            }
        }
    }

    /// The address device `index` is asked to use (port 0: any).
    pub fn address(&self, index: usize) -> SocketAddr {
        match *self {
            Placement::Ports { base: 0 } => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0),
            Placement::Ports { base } => {
                SocketAddr::new(Ipv4Addr::LOCALHOST.into(), base + index as u16)
            }
            Placement::Addresses { base, port } => {
                let ip = Ipv4Addr::from(u32::from(base) + index as u32);
                SocketAddr::new(IpAddr::V4(ip), port)
            }
        }
    }
}

/// A device's socket.
pub enum Bound {
    Listening(TcpListener),
    /// `refuse`: bound, so the port stays reserved, but not listening, so
    /// a connect gets ECONNREFUSED.
    Refusing(#[allow(dead_code)] TcpSocket),
}

impl Bound {
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match self {
            Bound::Listening(l) => l.local_addr(),
            Bound::Refusing(s) => s.local_addr(),
        }
    }
}

/// Bind one device's socket.
pub fn bind(name: &str, address: SocketAddr, fault: Option<Fault>) -> Result<Bound> {
    let fail = |what: &str, e: io::Error| {
        let hint = if e.raw_os_error() == Some(24) {
            " (too many open files: raise `ulimit -n`)"
        } else {
            ""
        };
        anyhow::anyhow!("device {name}: {what} {address}: {e}{hint}")
    };
    let socket = TcpSocket::new_v4().map_err(|e| fail("socket for", e))?;
    // A fixed port must be usable again while old connections to it (the
    // previous run's, or a client's that had the same ephemeral port)
    // linger in TIME_WAIT.
    if address.port() != 0 {
        socket
            .set_reuseaddr(true)
            .map_err(|e| fail("SO_REUSEADDR on", e))?;
    }
    socket.bind(address).map_err(|e| fail("bind", e))?;
    if fault == Some(Fault::Refuse) {
        return Ok(Bound::Refusing(socket));
    }
    let listener = socket.listen(1024).map_err(|e| fail("listen on", e))?;
    Ok(Bound::Listening(listener))
}

/// Accept connections for one device until the process ends, over SSH or,
/// for a telnet device, telnet.
pub async fn serve(listener: TcpListener, served: Arc<Served>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors, usually: wait for some to free up.
                warn!(device = %served.device.name, "accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        debug!(device = %served.device.name, %peer, "connection");
        let _ = stream.set_nodelay(true);
        if served.device.fault == Some(Fault::DisconnectMidOutput) {
            // Closing with a zero linger sends RST: the abrupt end of a
            // device that crashed or a firewall that dropped the flow.
            let _ = stream.set_zero_linger();
        }
        let cut = Arc::new(Cut::default());
        if served.device.telnet {
            let output = Arc::new(Output::new(
                served.device.fault.clone(),
                served.device.pace,
                served.lab.trickle,
                cut.clone(),
            ));
            let stream = CuttableStream { inner: stream, cut };
            tokio::spawn(crate::telnet::serve(stream, served.clone(), output));
            continue;
        }
        let handler = Connection::new(served.clone(), cut.clone());
        let config = served.config.clone();
        let name = served.device.name.clone();
        tokio::spawn(async move {
            let stream = CuttableStream { inner: stream, cut };
            match russh::server::run_stream(config, stream, handler).await {
                Ok(session) => {
                    if let Err(e) = session.await {
                        debug!(device = %name, %peer, "session ended: {e}");
                    }
                }
                Err(e) => debug!(device = %name, %peer, "handshake failed: {e}"),
            }
        });
    }
}

/// Cuts a connection from outside the SSH session: once cut, reads and
/// writes fail, russh drops the socket and the client sees the TCP
/// connection end with no SSH goodbye.
#[derive(Default)]
pub struct Cut {
    done: AtomicBool,
    reader: Mutex<Option<Waker>>,
}

impl Cut {
    pub fn cut(&self) {
        self.done.store(true, Ordering::SeqCst);
        let waker = self.reader.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn is_cut(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }
}

pub struct CuttableStream {
    inner: TcpStream,
    cut: Arc<Cut>,
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "netraven-sim cut the connection",
    )
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        {
            let mut slot = self.cut.reader.lock().unwrap_or_else(|e| e.into_inner());
            if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *slot = Some(cx.waker().clone());
            }
        }
        // Checked again: a cut between the first check and storing the
        // waker would otherwise go unnoticed until the next packet.
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// `ulimit -n` too low for the lab is the usual way a big run fails; say
/// so up front rather than on the 1,000th accept.
pub fn check_file_limit(devices: usize) {
    let Ok(text) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = text
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok());
    // A listener per device plus a connection per concurrent session.
    let needed = devices * 2 + 64;
    if let Some(soft) = soft.filter(|&soft| soft < needed) {
        warn!(
            "open-file limit is {soft}; {devices} devices with a session each need about \
             {needed}: raise it with `ulimit -n {needed}`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_checks_name_the_flag() {
        let p = Placement::Ports { base: 65000 };
        assert!(p.check(536).is_ok());
        assert!(p.check(537).unwrap_err().starts_with("--base-port"));
        assert_eq!(p.address(3).port(), 65003);
        let a = Placement::Addresses {
            base: Ipv4Addr::new(127, 0, 1, 250),
            port: 2222,
        };
        assert_eq!(a.address(10).to_string(), "127.0.2.4:2222");
        let outside = Placement::Addresses {
            base: Ipv4Addr::new(10, 0, 0, 1),
            port: 22,
        };
        assert!(outside.check(1).unwrap_err().contains("loopback"));
    }
}
