//! Stage 4, write: the only code that touches the output folder.
//!
//! Render hands each finished file to an [`OutputSink`]. [`FolderOutput`] (`build`) writes
//! them into a temporary folder beside the output and, only when the whole build succeeded,
//! swaps it in with one atomic rename, so a failed or interrupted build leaves the previous
//! site as it was. [`LiveOutput`] (`watch`, `serve`) updates the output in place.
//! [`MemoryOutput`] collects files for tests and `check`.
//!
//! Nothing below the output folder is trusted: paths are [`crate::model::OutputPath`]s, the
//! marker is parsed strictly ([`marker`]), every file operation goes through folder handles
//! that never follow a symlink ([`safety`]), and one lock keeps a second writer out ([`lock`]).

mod folder;
mod live;
mod lock;
mod marker;
mod safety;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;

pub use folder::{FolderOutput, up_to_date};
pub use live::LiveOutput;
pub use marker::MARKER;
pub use safety::refuse_dangerous_target;

/// Where rendered files go. Called from many threads at once.
pub trait OutputSink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Collects outputs in memory, sorted by path.
#[derive(Debug, Default)]
pub struct MemoryOutput {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl OutputSink for MemoryOutput {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// A content hash that is stable across runs and machines (XXH3, seeded with the version so
/// a new release never trusts an older one's manifest).
fn content_hash(bytes: &[u8]) -> u64 {
    let seed = xxhash_rust::xxh3::xxh3_64(env!("CARGO_PKG_VERSION").as_bytes());
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed)
}

fn io_error(path: &str, err: &io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{path}`: {err}"))
        .hint("check the folder's permissions and free disk space")
}
