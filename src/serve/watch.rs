//! `watch`: rebuild on every change under content/, data/, themes/ and static/.
//!
//! The source tree stays in memory and only changed files are re-read. Each rebuild renders
//! in memory and writes only the files whose bytes changed (removing outputs whose source is
//! gone), so a one-page edit touches a handful of files. A broken edit prints its errors and
//! keeps the last good output; the next good save recovers. Nothing here ends the process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};

use crate::build::build_in_memory;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output;
use crate::plan::PlanOptions;
use crate::source::{self, SOURCE_FOLDERS, SourceTree};

/// What one rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rebuild {
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
}

/// Keeps the sources and the last written output between rebuilds.
pub struct Watcher {
    root: PathBuf,
    output_dir: PathBuf,
    plan: PlanOptions,
    sources: SourceTree,
    written: BTreeMap<String, u64>,
}

impl Watcher {
    /// Reads the sources and prepares the output folder (refusing one chapterhouse did not make).
    pub fn new(root: &Path, output_dir: &Path, plan: PlanOptions) -> Result<Self, Diagnostics> {
        // Events arrive with absolute paths; compare them against an absolute root.
        let root = &std::fs::canonicalize(root).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!(
                "cannot open the site folder `{}`: {e}",
                root.display()
            )))
        })?;
        let output_dir = if output_dir.is_absolute() {
            output_dir.to_path_buf()
        } else {
            root.join(output_dir)
        };
        output::refuse_dangerous_target(root, &output_dir)?;
        output::prepare_incremental(&output_dir).map_err(Diagnostics::from)?;
        Ok(Watcher {
            root: root.to_path_buf(),
            output_dir,
            plan,
            sources: source::read_tree(root).unwrap_or_default(),
            written: BTreeMap::new(),
        })
    }

    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// Re-reads the changed paths (absolute), then rebuilds.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !SOURCE_FOLDERS
                .iter()
                .any(|f| relative.starts_with(&format!("{f}/")))
            {
                continue;
            }
            if path.is_file() {
                if let Err(d) = self.sources.reload(&relative, path) {
                    diagnostics.push(d);
                }
            } else if path.is_dir() {
                // A folder changed (a file renamed into or out of it): re-read what it holds.
                self.sources.remove_under(&relative);
                for entry in walkdir::WalkDir::new(path)
                    .follow_links(true)
                    .into_iter()
                    .flatten()
                    .filter(|e| e.file_type().is_file())
                {
                    let Ok(inner) = entry.path().strip_prefix(&self.root) else {
                        continue;
                    };
                    let inner = inner.to_string_lossy().replace('\\', "/");
                    if let Err(d) = self.sources.reload(&inner, entry.path()) {
                        diagnostics.push(d);
                    }
                }
            } else {
                // Deleted or renamed away (a folder takes everything below it along).
                self.sources.remove_under(&relative);
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        self.rebuild()
    }

    /// Renders everything in memory and writes what changed.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        let (files, warnings) = build_in_memory(&self.sources, &self.plan)?;
        if !warnings.is_empty() {
            eprint!("{warnings}");
        }
        let (written, removed) = output::sync_changed(&self.output_dir, &files, &mut self.written)
            .map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(format!("cannot write the output: {e}"))
                        .hint("check the output folder's permissions"),
                )
            })?;
        Ok(Rebuild {
            written,
            removed,
            elapsed: started.elapsed(),
        })
    }
}

/// Watches until `stop` is set, calling `report` after every rebuild attempt.
pub fn watch(
    mut watcher: Watcher,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(&Result<Rebuild, Diagnostics>),
) -> Result<(), Diagnostic> {
    let first = watcher.rebuild();
    report(&first);
    let (sender, receiver) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(80), sender)
        .map_err(|e| Diagnostic::error(format!("cannot watch files: {e}")))?;
    for folder in SOURCE_FOLDERS {
        let dir = watcher.root.join(folder);
        if dir.is_dir() {
            debouncer
                .watcher()
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", dir.display())))?;
        }
    }
    while !stop.load(Ordering::SeqCst) {
        let Ok(result) = receiver.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        let mut changed: Vec<PathBuf> = match result {
            Ok(events) => events.into_iter().map(|e| e.path).collect(),
            Err(_) => Vec::new(),
        };
        // Editors save in bursts (temporary file, rename, chmod): take everything pending.
        while let Ok(more) = receiver.try_recv() {
            if let Ok(events) = more {
                changed.extend(events.into_iter().map(|e| e.path));
            }
        }
        changed.sort();
        changed.dedup();
        changed.retain(|p| !p.starts_with(&watcher.output_dir));
        if changed.is_empty() {
            continue;
        }
        let result = watcher.update(&changed);
        report(&result);
    }
    Ok(())
}
