//! Telnet's protocol, sans-IO: RFC 854 (the NVT, IAC escaping, CR NUL),
//! RFC 1143's rule against negotiation loops, and the options a device CLI
//! needs: ECHO (857) and SUPPRESS-GO-AHEAD (858) from the device, NAWS
//! (1073) and TERMINAL-TYPE (1091) from us. Every other option is refused
//! politely, once.

/// Interpret As Command: every telnet command starts with it.
pub const IAC: u8 = 255;
pub const DONT: u8 = 254;
pub const DO: u8 = 253;
pub const WONT: u8 = 252;
pub const WILL: u8 = 251;
/// Subnegotiation begin and end.
pub const SB: u8 = 250;
pub const SE: u8 = 240;
pub const NOP: u8 = 241;

pub const ECHO: u8 = 1;
pub const SGA: u8 = 3;
pub const TTYPE: u8 = 24;
pub const NAWS: u8 = 31;

/// TERMINAL-TYPE's `IS` and `SEND`.
const TTYPE_IS: u8 = 0;
const TTYPE_SEND: u8 = 1;

/// Longest subnegotiation kept; a longer one is read and dropped.
const MAX_SB: usize = 1024;

/// The terminal we say we are, as the SSH transport's PTY does.
pub const TERMINAL_TYPE: &[u8] = b"VT100";
pub const WIDTH: u16 = 511;
pub const HEIGHT: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    Iac,
    Verb(u8),
    Sb,
    SbIac,
}

/// One connection's protocol state.
#[derive(Debug, Clone)]
pub struct Codec {
    state: State,
    subneg: Vec<u8>,
    /// The last data byte was a carriage return (a NUL after it is padding).
    after_cr: bool,
    /// Options the device does, as we agreed.
    device_does: [bool; 256],
    /// Options we do, as we agreed.
    we_do: [bool; 256],
}

impl Default for Codec {
    fn default() -> Self {
        Codec {
            state: State::Data,
            subneg: Vec::new(),
            after_cr: false,
            device_does: [false; 256],
            we_do: [false; 256],
        }
    }
}

/// Whether the device may do `option` for us.
fn wanted_from_device(option: u8) -> bool {
    matches!(option, ECHO | SGA)
}

/// Whether we do `option` when the device asks.
fn offered_by_us(option: u8) -> bool {
    matches!(option, NAWS | TTYPE | SGA)
}

impl Codec {
    /// Read `input` from the device: its data goes to `data` (IAC unescaped,
    /// CR NUL as CR), and what we must answer goes to `replies`.
    pub fn feed(&mut self, input: &[u8], data: &mut Vec<u8>, replies: &mut Vec<u8>) {
        for &byte in input {
            self.state = match self.state {
                State::Data => {
                    if byte == IAC {
                        State::Iac
                    } else {
                        if !(self.after_cr && byte == 0) {
                            data.push(byte);
                        }
                        self.after_cr = byte == b'\r';
                        State::Data
                    }
                }
                State::Iac => match byte {
                    IAC => {
                        data.push(IAC);
                        self.after_cr = false;
                        State::Data
                    }
                    WILL | WONT | DO | DONT => State::Verb(byte),
                    SB => {
                        self.subneg.clear();
                        State::Sb
                    }
                    // NOP, GA, AYT, DM, ...: nothing a CLI session needs.
                    _ => State::Data,
                },
                State::Verb(verb) => {
                    self.negotiate(verb, byte, replies);
                    State::Data
                }
                State::Sb => {
                    if byte == IAC {
                        State::SbIac
                    } else {
                        if self.subneg.len() < MAX_SB {
                            self.subneg.push(byte);
                        }
                        State::Sb
                    }
                }
                State::SbIac => match byte {
                    SE => {
                        self.subnegotiation(replies);
                        State::Data
                    }
                    IAC => {
                        if self.subneg.len() < MAX_SB {
                            self.subneg.push(IAC);
                        }
                        State::Sb
                    }
                    // A malformed subnegotiation: give it up.
                    _ => State::Data,
                },
            };
        }
    }

    /// Answer one WILL/WONT/DO/DONT, replying only to a change of state so
    /// that two ends never loop (RFC 1143).
    fn negotiate(&mut self, verb: u8, option: u8, replies: &mut Vec<u8>) {
        let index = usize::from(option);
        match verb {
            WILL if wanted_from_device(option) && !self.device_does[index] => {
                self.device_does[index] = true;
                replies.extend_from_slice(&[IAC, DO, option]);
            }
            WILL if wanted_from_device(option) => {}
            WILL => replies.extend_from_slice(&[IAC, DONT, option]),
            WONT if self.device_does[index] => {
                self.device_does[index] = false;
                replies.extend_from_slice(&[IAC, DONT, option]);
            }
            DO if offered_by_us(option) && !self.we_do[index] => {
                self.we_do[index] = true;
                replies.extend_from_slice(&[IAC, WILL, option]);
                if option == NAWS {
                    window_size(replies);
                }
            }
            DO if offered_by_us(option) => {}
            DO => replies.extend_from_slice(&[IAC, WONT, option]),
            DONT if self.we_do[index] => {
                self.we_do[index] = false;
                replies.extend_from_slice(&[IAC, WONT, option]);
            }
            _ => {}
        }
    }

    fn subnegotiation(&mut self, replies: &mut Vec<u8>) {
        if self.subneg.as_slice() == [TTYPE, TTYPE_SEND] && self.we_do[usize::from(TTYPE)] {
            replies.extend_from_slice(&[IAC, SB, TTYPE, TTYPE_IS]);
            replies.extend_from_slice(TERMINAL_TYPE);
            replies.extend_from_slice(&[IAC, SE]);
        }
    }

    /// Whether the device agreed to echo what we type.
    pub fn device_echoes(&self) -> bool {
        self.device_does[usize::from(ECHO)]
    }
}

/// `IAC SB NAWS width height IAC SE`, with any 255 byte of the sizes doubled.
fn window_size(out: &mut Vec<u8>) {
    out.extend_from_slice(&[IAC, SB, NAWS]);
    for byte in WIDTH.to_be_bytes().into_iter().chain(HEIGHT.to_be_bytes()) {
        out.push(byte);
        if byte == IAC {
            out.push(IAC);
        }
    }
    out.extend_from_slice(&[IAC, SE]);
}

/// What we type, as the NVT wants it: IAC doubled, and the Enter key as a
/// terminal's telnet client sends it by default (BSD's and netkit's `crlf`
/// off): CR NUL, for a driver's line feed and for a lone carriage return.
/// A driver that asks for CR LF gets CR LF. Devices take CR NUL as one
/// Enter; some (fake-switches among them) take CR LF as two, which answers
/// a password prompt with an empty line.
pub fn encode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    for (i, &byte) in text.iter().enumerate() {
        match byte {
            IAC => out.extend_from_slice(&[IAC, IAC]),
            b'\n' if i > 0 && text[i - 1] == b'\r' => out.push(b'\n'),
            b'\n' => out.extend_from_slice(b"\r\0"),
            b'\r' if text.get(i + 1) == Some(&b'\n') => out.push(b'\r'),
            b'\r' => out.extend_from_slice(b"\r\0"),
            _ => out.push(byte),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(codec: &mut Codec, input: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut data, mut replies) = (Vec::new(), Vec::new());
        codec.feed(input, &mut data, &mut replies);
        (data, replies)
    }

    #[test]
    fn data_passes_with_iac_unescaped_and_cr_nul_as_cr() {
        let mut codec = Codec::default();
        let (data, replies) = feed(&mut codec, b"a\xff\xffb\r\0c\r\nd\0e");
        assert_eq!(data, b"a\xffb\rc\r\nd\0e");
        assert!(replies.is_empty());
    }

    #[test]
    fn echo_and_sga_are_accepted_once_and_the_rest_refused() {
        let mut codec = Codec::default();
        let (data, replies) = feed(
            &mut codec,
            &[
                IAC, WILL, ECHO, IAC, WILL, SGA, IAC, WILL, ECHO, IAC, WILL, 34,
            ],
        );
        assert!(data.is_empty());
        assert_eq!(
            replies,
            [IAC, DO, ECHO, IAC, DO, SGA, IAC, DONT, 34],
            "a repeated WILL ECHO is not answered again"
        );
        assert!(codec.device_echoes());
        // The device stops echoing: we agree, once.
        let (_, replies) = feed(&mut codec, &[IAC, WONT, ECHO, IAC, WONT, ECHO]);
        assert_eq!(replies, [IAC, DONT, ECHO]);
        assert!(!codec.device_echoes());
    }

    #[test]
    fn naws_and_terminal_type_are_offered_and_other_requests_refused() {
        let mut codec = Codec::default();
        let (_, replies) = feed(&mut codec, &[IAC, DO, NAWS, IAC, DO, TTYPE, IAC, DO, ECHO]);
        assert_eq!(
            replies,
            [
                IAC, WILL, NAWS, IAC, SB, NAWS, 1, 255, 255, 0, 24, IAC, SE, // 511 x 24
                IAC, WILL, TTYPE, IAC, WONT, ECHO
            ]
        );
        let (_, replies) = feed(&mut codec, &[IAC, SB, TTYPE, 1, IAC, SE]);
        assert_eq!(
            replies,
            [&[IAC, SB, TTYPE, 0][..], b"VT100", &[IAC, SE]].concat()
        );
        let (_, replies) = feed(&mut codec, &[IAC, DONT, NAWS, IAC, DONT, NAWS]);
        assert_eq!(replies, [IAC, WONT, NAWS]);
    }

    #[test]
    fn commands_split_across_reads_still_parse() {
        let mut codec = Codec::default();
        let mut all = (Vec::new(), Vec::new());
        for chunk in [
            &b"log"[..],
            &[b'i', IAC],
            &[WILL],
            &[ECHO, b'n', IAC],
            &[IAC, b':'],
        ] {
            codec.feed(chunk, &mut all.0, &mut all.1);
        }
        assert_eq!(all.0, b"login\xff:");
        assert_eq!(all.1, [IAC, DO, ECHO]);
    }

    #[test]
    fn other_commands_and_bad_subnegotiations_do_not_leak_into_the_data() {
        let mut codec = Codec::default();
        let big: Vec<u8> = [IAC, SB, 99]
            .into_iter()
            .chain(std::iter::repeat_n(7, 5000))
            .chain([IAC, SE])
            .collect();
        let (data, replies) = feed(&mut codec, &big);
        assert!(data.is_empty() && replies.is_empty());
        let (data, _) = feed(
            &mut codec,
            &[b'a', IAC, NOP, b'b', IAC, SB, 1, IAC, b'x', b'c'],
        );
        assert_eq!(data, b"abc");
    }

    #[test]
    fn typed_text_is_escaped_and_line_ends_follow_the_nvt() {
        assert_eq!(encode(b"show run\n"), b"show run\r\0");
        assert_eq!(encode(b"show run\r\n"), b"show run\r\n");
        assert_eq!(encode(b"y\r"), b"y\r\0");
        assert_eq!(encode(b"\xffpass\n"), b"\xff\xffpass\r\0");
        assert_eq!(encode(b" "), b" ");
    }
}
