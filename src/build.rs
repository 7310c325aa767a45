//! The whole pipeline, wired: read → load → plan → render → write.
//!
//! Each stage returns either its product or every diagnostic it found; this module only
//! threads them together, so `build`, `check`, `watch` and the tests share one path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::load;
use crate::output::{FolderOutput, MemoryOutput};
use crate::plan::{self, PlanOptions};
use crate::render::{RenderState, RenderStats, Renderer};
use crate::source::{self, SourceTree};

/// `chapterhouse build` options.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output_dir: PathBuf,
    pub plan: PlanOptions,
    /// Replace an output folder that chapterhouse did not make.
    pub force: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub stats: RenderStats,
    pub warnings: Diagnostics,
    pub elapsed: Duration,
    /// Nothing had changed since the last build, so nothing was rendered or written.
    pub unchanged: bool,
}

/// Builds the site at `options.root` into `options.output_dir`, atomically.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let sources = source::read_tree(&options.root)?;
    let output_dir = resolve_output(&options.root, &options.output_dir);
    crate::output::refuse_dangerous_target(&options.root, &output_dir)?;
    let mut warnings = Diagnostics::new();
    // Same inputs, same options, same binary, output intact: there is nothing to do.
    let fingerprint = sources.fingerprint(&format!("{:?}", options.plan));
    if let Some((pages, files)) = crate::output::up_to_date(&output_dir, &fingerprint) {
        return Ok(BuildSummary {
            stats: RenderStats { pages, files },
            warnings,
            elapsed: started.elapsed(),
            unchanged: true,
        });
    }
    // The loaded site holds every text it needs; the raw files are not kept while rendering.
    let loaded = load::load(&sources);
    drop(sources);
    let stats = render_site(loaded, &options.plan, &mut warnings, |renderer| {
        let output = FolderOutput::begin(&output_dir, options.force).map_err(Diagnostics::from)?;
        let outcome = renderer.render_all(&output)?;
        refuse_broken_links(renderer, &outcome)?;
        output.record_input(format!(
            "{fingerprint} {} {}",
            outcome.stats.pages, outcome.stats.files
        ));
        output.commit().map_err(Diagnostics::from)?;
        Ok(outcome.stats)
    })?;
    Ok(BuildSummary {
        stats,
        warnings,
        elapsed: started.elapsed(),
        unchanged: false,
    })
}

/// Renders in memory: every output path → bytes, plus warnings. Used by tests and `check`.
pub fn build_in_memory(
    sources: &SourceTree,
    options: &PlanOptions,
) -> Result<(BTreeMap<String, Vec<u8>>, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::new();
    let output = MemoryOutput::default();
    render_sources(sources, options, &mut warnings, |renderer| {
        renderer.render_all(&output)
    })?;
    Ok((output.into_files(), warnings))
}

fn render_sources<T>(
    sources: &SourceTree,
    options: &PlanOptions,
    warnings: &mut Diagnostics,
    write: impl FnOnce(&Renderer<'_>) -> Result<T, Diagnostics>,
) -> Result<T, Diagnostics> {
    render_site(load::load(sources), options, warnings, write)
}

fn render_site<T>(
    loaded: (Option<crate::model::Site>, Diagnostics),
    options: &PlanOptions,
    warnings: &mut Diagnostics,
    write: impl FnOnce(&Renderer<'_>) -> Result<T, Diagnostics>,
) -> Result<T, Diagnostics> {
    let (site, mut diagnostics) = loaded;
    let Some(site) = site else {
        return Err(diagnostics);
    };
    let plan = match plan::plan(&site, options) {
        Ok(plan) => plan,
        Err(problems) => {
            diagnostics.extend(problems);
            return Err(diagnostics);
        }
    };
    let renderer = match Renderer::new(&site, &plan) {
        Ok(renderer) => renderer,
        Err(problems) => {
            diagnostics.extend(problems);
            return Err(diagnostics);
        }
    };
    match write(&renderer) {
        Ok(value) => {
            warnings.extend(diagnostics);
            Ok(value)
        }
        Err(problems) => {
            diagnostics.extend(problems);
            Err(diagnostics)
        }
    }
}

/// A broken internal link fails the build, so a published site never has one.
fn refuse_broken_links(
    renderer: &Renderer<'_>,
    outcome: &crate::render::RenderOutcome,
) -> Result<(), Diagnostics> {
    let report = renderer.verify_links(outcome);
    if report.problems.is_empty() {
        return Ok(());
    }
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(report.problems);
    Err(diagnostics)
}

/// A loaded and planned site, kept by `watch` between rebuilds.
pub struct Prepared {
    pub site: crate::model::Site,
    pub plan: crate::plan::Plan,
}

/// Loads and plans; warnings go to `warnings`.
pub fn prepare(
    sources: &SourceTree,
    options: &PlanOptions,
    warnings: &mut Diagnostics,
) -> Result<Prepared, Diagnostics> {
    let (site, mut diagnostics) = load::load(sources);
    let Some(site) = site else {
        return Err(diagnostics);
    };
    match plan::plan(&site, options) {
        Ok(plan) => {
            warnings.extend(diagnostics);
            Ok(Prepared { site, plan })
        }
        Err(problems) => {
            diagnostics.extend(problems);
            Err(diagnostics)
        }
    }
}

/// A prepared site rendered in memory.
pub struct Rendered {
    /// Every output path → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Each page's links.
    pub pages: BTreeMap<String, crate::check::links::CheckedPage>,
    /// Templates and shared context, for re-rendering single pages later.
    pub state: RenderState,
}

/// Renders a prepared site in memory, refusing broken links.
pub fn render_prepared(prepared: &Prepared) -> Result<Rendered, Diagnostics> {
    let renderer = Renderer::new(&prepared.site, &prepared.plan)?;
    let output = MemoryOutput::default();
    let outcome = renderer.render_all(&output)?;
    refuse_broken_links(&renderer, &outcome)?;
    Ok(Rendered {
        files: output.into_files(),
        pages: outcome.pages,
        state: renderer.into_state(),
    })
}

/// A relative `--output-dir` is relative to the site root, as in Zola.
pub fn resolve_output(root: &Path, output: &Path) -> PathBuf {
    if output.is_absolute() {
        output.to_path_buf()
    } else {
        root.join(output)
    }
}
