//! One writer per output folder: an advisory lock on `.<name>.chapterhouse.lock` beside it.
//!
//! `build` holds it from the first look at the output to the swap, `watch` and `serve` for
//! their whole run. A second writer is refused at once (waiting would leave a terminal
//! hanging on a build that may never end, such as a `serve` in another window). The lock
//! file itself is left in place: removing it would let a third process lock a new file
//! while the second still holds the old one.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Held for as long as the output is being written; dropping it releases the lock.
#[derive(Debug)]
pub(super) struct OutputLock {
    _file: File,
}

/// The lock file's path for the output folder `target` (absolute, with a file name).
pub(super) fn lock_path(target: &Path) -> Option<std::path::PathBuf> {
    let name = target.file_name()?.to_str()?;
    Some(target.with_file_name(format!(".{name}.chapterhouse.lock")))
}

impl OutputLock {
    /// Takes the lock of `target`, creating its parent folder if needed.
    pub(super) fn acquire(target: &Path) -> Result<OutputLock, Diagnostic> {
        let shown = target.display();
        let path = lock_path(target).ok_or_else(|| {
            Diagnostic::error(format!("`{shown}` cannot be an output folder"))
                .hint("choose a folder whose name is plain text, such as `public`")
        })?;
        let cannot = |e: std::io::Error| {
            Diagnostic::error(format!("cannot lock the output folder `{shown}`: {e}"))
                .hint("check the permissions of the folder that holds it")
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(cannot)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
            .map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Diagnostic::error(format!(
                "another chapterhouse build, watch or serve is writing `{shown}` right now"
            ))
            .hint("wait for it to finish (or stop it), then build again; two writers at once would mix their files")),
            Err(TryLockError::Error(e)) => Err(cannot(e)),
        }
    }

    /// Takes the lock if it is free, without a message otherwise.
    pub(super) fn try_acquire(target: &Path) -> Option<OutputLock> {
        OutputLock::acquire(target).ok()
    }
}
