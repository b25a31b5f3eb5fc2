//! How a device's output reaches the client, faults included: the one
//! place that decides what a trickling, hanging or babbling device sends.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, RngExt};

use crate::channel::ChannelIo;
use crate::fault::Fault;
use crate::listen::Cut;

/// Replies up to this long are sent whole by the mid-output faults, so a
/// client still gets through its first short exchanges.
const SHORT_REPLY: usize = 10;

/// `disconnect-mid-output`: time for the half reply to reach the client
/// before the reset, which would otherwise overtake it.
const FLUSH_BEFORE_CUT: Duration = Duration::from_millis(100);

/// `garbage`: this many bytes per pause.
const GARBAGE_CHUNK: usize = 4096;
const GARBAGE_PAUSE: Duration = Duration::from_millis(10);

/// `endless`: bytes per write; the client's SSH window paces the writes.
const ENDLESS_CHUNK: usize = 16 * 1024;

/// How slow a device is, as real ones are: a pause before each command's
/// reply (`latency`, plus up to `jitter`), a pause between the login and
/// the first prompt, and a byte rate per session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pace {
    pub latency: Duration,
    pub jitter: Duration,
    pub login_delay: Duration,
    /// Bytes per second, per session; `None`: as fast as the client reads.
    pub bandwidth: Option<u64>,
}

impl Pace {
    /// `MS` or `MS:JITTER_MS`, as `--latency` and a manifest take it.
    pub fn parse_latency(text: &str) -> Result<(Duration, Duration), String> {
        let number = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("{text:?} is not MS or MS:JITTER_MS (milliseconds)"))
        };
        match text.split_once(':') {
            Some((ms, jitter)) => Ok((number(ms)?, number(jitter)?)),
            None => Ok((number(text)?, Duration::ZERO)),
        }
    }

    /// The pause before one reply: the latency and a random part of the
    /// jitter.
    fn before_reply(&self) -> Duration {
        if self.jitter.is_zero() {
            return self.latency;
        }
        let jitter = self.jitter.as_micros() as u64;
        self.latency + Duration::from_micros(rand::rng().random_range(0..=jitter))
    }
}

/// With a byte rate, output goes in pieces this many times a second.
const PACED_WRITES_PER_SECOND: u64 = 50;

/// The output side of one connection (shared by its channels).
pub struct Output {
    fault: Option<Fault>,
    pace: Pace,
    trickle: Duration,
    cut: Arc<Cut>,
    /// Command replies begun on this connection.
    replies: AtomicUsize,
    /// A mid-output fault has struck: nothing more is ever sent.
    broken: AtomicBool,
}

impl Output {
    pub fn new(fault: Option<Fault>, pace: Pace, trickle: Duration, cut: Arc<Cut>) -> Self {
        Output {
            fault,
            pace,
            trickle,
            cut,
            replies: AtomicUsize::new(0),
            broken: AtomicBool::new(false),
        }
    }

    /// Bytes that are not a command's reply: the greeting, the echo of a
    /// keystroke, scp protocol bytes. `false`: stop, the client is gone.
    pub async fn plain(&self, io: &mut ChannelIo, bytes: Vec<u8>) -> bool {
        if self.broken.load(Ordering::SeqCst) {
            io.idle_forever().await;
            return false;
        }
        if self.fault == Some(Fault::Trickle) {
            self.trickle(io, &bytes).await
        } else {
            self.send(io, bytes).await
        }
    }

    /// The pause between the login and the first prompt.
    pub async fn login_delay(&self, io: &mut ChannelIo) -> bool {
        self.pace.login_delay.is_zero() || io.sleep(self.pace.login_delay).await
    }

    /// `bytes` at the device's byte rate, if it has one.
    async fn send(&self, io: &mut ChannelIo, bytes: Vec<u8>) -> bool {
        let Some(rate) = self.pace.bandwidth.filter(|r| *r > 0) else {
            return io.data(bytes).await;
        };
        let piece = (rate / PACED_WRITES_PER_SECOND).max(1) as usize;
        for chunk in bytes.chunks(piece) {
            let pause = Duration::from_secs_f64(chunk.len() as f64 / rate as f64);
            if !io.data(chunk.to_vec()).await || !io.sleep(pause).await {
                return false;
            }
        }
        true
    }

    /// A command's reply, as the device's fault shapes it. `false`: stop,
    /// the client is gone or the device will never answer again.
    pub async fn reply(&self, io: &mut ChannelIo, bytes: Vec<u8>) -> bool {
        if self.broken.load(Ordering::SeqCst) {
            io.idle_forever().await;
            return false;
        }
        let first = self.replies.fetch_add(1, Ordering::SeqCst) == 0;
        let pause = self.pace.before_reply();
        if !pause.is_zero() && !io.sleep(pause).await {
            return false;
        }
        let half = bytes.len() / 2;
        match self.fault {
            Some(Fault::Trickle) => self.trickle(io, &bytes).await,
            Some(Fault::HangMidOutput) if bytes.len() > SHORT_REPLY => {
                self.broken.store(true, Ordering::SeqCst);
                io.discard_input = true;
                io.data(bytes[..half].to_vec()).await;
                io.idle_forever().await;
                false
            }
            Some(Fault::DisconnectMidOutput) if bytes.len() > SHORT_REPLY => {
                self.broken.store(true, Ordering::SeqCst);
                io.discard_input = true;
                if io.data(bytes[..half].to_vec()).await {
                    io.sleep(FLUSH_BEFORE_CUT).await;
                }
                self.cut.cut();
                false
            }
            Some(Fault::Endless) if first => {
                io.discard_input = true;
                // The command's echo (its first line), then no end.
                let echo = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
                io.data(bytes[..echo].to_vec()).await && endless(io).await
            }
            Some(Fault::Garbage) if first => {
                io.discard_input = true;
                garbage(io).await
            }
            _ => self.send(io, bytes).await,
        }
    }

    /// Each byte in its own packet, with a pause after it.
    async fn trickle(&self, io: &mut ChannelIo, bytes: &[u8]) -> bool {
        for &b in bytes {
            if !io.data(vec![b]).await {
                return false;
            }
            if !self.trickle.is_zero() && !io.sleep(self.trickle).await {
                return false;
            }
        }
        true
    }
}

/// Config-like lines forever, as fast as the client reads them; returns
/// when the client is gone.
async fn endless(io: &mut ChannelIo) -> bool {
    let mut line: u64 = 0;
    loop {
        let mut chunk = String::with_capacity(ENDLESS_CHUNK + 128);
        while chunk.len() < ENDLESS_CHUNK {
            line += 1;
            let _ = write!(
                chunk,
                "interface GigabitEthernet{}/0/{}\n description endless output, line {line}\n!\n",
                line / 48 + 1,
                line % 48 + 1
            );
        }
        if !io.data(chunk.into_bytes()).await {
            return false;
        }
    }
}

/// Random bytes forever, throttled; returns when the client is gone.
async fn garbage(io: &mut ChannelIo) -> bool {
    let mut rng: SmallRng = rand::make_rng();
    loop {
        if !io.data(garbage_chunk(&mut rng, GARBAGE_CHUNK)).await || !io.sleep(GARBAGE_PAUSE).await
        {
            return false;
        }
    }
}

/// Terminal escapes a confused device might emit.
const ESCAPES: [&[u8]; 6] = [
    b"\x1b[2J",
    b"\x1b[31;1m",
    b"\x1b[0m",
    b"\x1b[K",
    b"\x1b]0;title\x07",
    b"\x1b[6n",
];

/// About `len` bytes of everything a prompt matcher must survive: NULs,
/// 0xff, invalid UTF-8 sequences, escape codes, arbitrary bytes.
fn garbage_chunk(rng: &mut impl Rng, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        match rng.random_range(0..16u8) {
            0 => out.push(0x00),
            1 => out.push(0xff),
            // A lead byte with a bad continuation, and a lone continuation.
            2 => out.extend_from_slice(&[0xc3, 0x28]),
            3 => out.push(0x80),
            4 => out.extend_from_slice(ESCAPES[rng.random_range(0..ESCAPES.len())]),
            5 => out.extend_from_slice(b"\r\n"),
            _ => out.push(rng.random()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn latency_is_ms_or_ms_and_jitter() {
        let ms = Duration::from_millis;
        assert_eq!(Pace::parse_latency("200"), Ok((ms(200), ms(0))));
        assert_eq!(Pace::parse_latency("200:50"), Ok((ms(200), ms(50))));
        assert!(
            Pace::parse_latency("fast")
                .unwrap_err()
                .contains("MS:JITTER_MS")
        );
        let pace = Pace {
            latency: ms(200),
            jitter: ms(50),
            ..Pace::default()
        };
        for _ in 0..100 {
            let pause = pace.before_reply();
            assert!(pause >= ms(200) && pause <= ms(250), "{pause:?}");
        }
    }

    #[test]
    fn garbage_is_never_utf8_and_holds_the_nasty_bytes() {
        let mut rng = SmallRng::seed_from_u64(7);
        let chunk = garbage_chunk(&mut rng, GARBAGE_CHUNK);
        assert!(chunk.len() >= GARBAGE_CHUNK);
        assert!(std::str::from_utf8(&chunk).is_err());
        assert!(chunk.contains(&0x00) && chunk.contains(&0xff) && chunk.contains(&0x1b));
    }
}
