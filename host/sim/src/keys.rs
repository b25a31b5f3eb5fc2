//! Host keys, derived from the device name so they are the same on every run:
//! an inventory written once keeps matching the lab after a restart.

use anyhow::{Context, Result};
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use russh::keys::PrivateKey;
use russh::keys::ssh_key::private::{Ed25519Keypair, RsaKeypair};
use sha2::{Digest, Sha256};

/// Bits of a legacy-only device's RSA key. 2048 is what such devices ship
/// with; generating it is the expensive part of starting one (tens of ms).
pub const LEGACY_RSA_BITS: usize = 2048;

fn seed(purpose: &str, device: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"netraven-sim\0");
    hash.update(purpose.as_bytes());
    hash.update(b"\0");
    hash.update(device.as_bytes());
    hash.finalize().into()
}

/// The device's usual key: ed25519, cheap enough for thousands of devices.
pub fn ed25519(device: &str) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&seed("host-key", device)))
}

/// The key a `changed-host-key` device presents instead of its usual one.
pub fn ed25519_changed(device: &str) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&seed("changed-host-key", device)))
}

/// A `legacy-only` device's RSA key, generated from a seeded RNG so it too
/// is stable across runs (for the same `rsa` crate version).
pub fn rsa(device: &str) -> Result<PrivateKey> {
    let mut rng = ChaCha20Rng::from_seed(seed("rsa-host-key", device));
    let pair = RsaKeypair::random(&mut rng, LEGACY_RSA_BITS)
        .with_context(|| format!("device {device}: generating its RSA host key"))?;
    Ok(PrivateKey::from(pair))
}

/// `ssh-ed25519 AAAA...`: the OpenSSH one-line form, without a comment.
pub fn public_line(key: &PrivateKey) -> Result<String> {
    let line = key
        .public_key()
        .to_openssh()
        .context("encoding a public host key")?;
    Ok(line.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_differ_per_device_and_purpose() {
        let a = public_line(&ed25519("ios-1")).unwrap();
        assert_eq!(a, public_line(&ed25519("ios-1")).unwrap());
        assert!(a.starts_with("ssh-ed25519 AAAA"), "{a}");
        assert_eq!(a.split(' ').count(), 2, "no comment: {a}");
        assert_ne!(a, public_line(&ed25519("ios-2")).unwrap());
        assert_ne!(a, public_line(&ed25519_changed("ios-1")).unwrap());
    }
}
