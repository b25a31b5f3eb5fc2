//! Host keys kept in the database for jobs.

use std::collections::HashMap;
use std::sync::Mutex;

use netraven_store::{Store, Write};
use netraven_transport::ssh::{HostKeyError, HostKeyStore};
use tokio::sync::mpsc;

use crate::JobError;
use crate::writers::Msg;

// ---- host keys in the database -------------------------------------------

/// Host keys kept in the `host_keys` table. A first-seen key is written
/// through the writer, ahead of the device's result: a job killed before
/// the key is stored has no result for that device either, and the rerun
/// trusts the key again.
pub(crate) struct DbHostKeys {
    keys: Mutex<HashMap<String, String>>,
    writer: mpsc::UnboundedSender<Msg>,
}

impl DbHostKeys {
    pub(crate) async fn load(
        store: &Store,
        writer: mpsc::UnboundedSender<Msg>,
    ) -> Result<DbHostKeys, netraven_store::StoreError> {
        Ok(DbHostKeys {
            keys: Mutex::new(store.host_keys().await?.into_iter().collect()),
            writer,
        })
    }
}

impl HostKeyStore for DbHostKeys {
    fn get(&self, host: &str) -> Option<String> {
        self.keys.lock().ok()?.get(host).cloned()
    }

    fn put(&self, host: &str, key: &str) -> Result<(), HostKeyError> {
        let mut keys = self.keys.lock().map_err(|_| HostKeyError::Poisoned)?;
        // Two connections to one host (a shared jump host) may both see it
        // first: the first key wins and a different second one is refused.
        match keys.get(host) {
            Some(known) if known == key => return Ok(()),
            Some(_) => {
                return Err(HostKeyError::Conflict {
                    host: host.to_string(),
                });
            }
            None => {
                keys.insert(host.to_string(), key.to_string());
            }
        }
        drop(keys);
        self.writer
            .send(Msg::Row(Write::HostKey {
                host: host.to_string(),
                key: key.to_string(),
            }))
            .map_err(|_| HostKeyError::Store(Box::new(JobError::WriterStopped)))
    }
}
