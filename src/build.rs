//! `chapterhouse build`: the pipeline run into a staging folder that replaces the output
//! only when everything rendered and every link resolves; and the same run in memory, for
//! tests and tools.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::output::{FolderOutput, MemoryOutput};
use crate::pipeline::{Pipeline, Routes};
use crate::plan::PlanOptions;
use crate::render::RenderStats;
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
    let mut pipeline = Pipeline::prepare_consuming(sources, &options.plan, &mut warnings)?;
    // A failed build reports the load's warnings with its errors.
    let failed = |warnings: Diagnostics, problems: Diagnostics| {
        let mut all = warnings;
        all.extend(problems);
        all
    };
    let output = match FolderOutput::begin(&output_dir, options.force) {
        Ok(output) => output,
        Err(problem) => return Err(failed(warnings, Diagnostics::from(problem))),
    };
    let stats = match pipeline.render(Routes::All, &output) {
        Ok(stats) => stats,
        Err(problems) => return Err(failed(warnings, problems)),
    };
    let report = pipeline.verify_links();
    if !report.problems.is_empty() {
        // A broken internal link fails the build, so a published site never has one. The
        // sources are read again only now, to name the line of each link.
        let sources = source::read_tree(&options.root)?;
        let problems = pipeline.diagnose(report.problems, &sources);
        return Err(failed(warnings, problems.into_iter().collect()));
    }
    output.record_input(format!("{fingerprint} {} {}", stats.pages, stats.files));
    output.commit().map_err(Diagnostics::from)?;
    Ok(BuildSummary {
        stats,
        warnings,
        elapsed: started.elapsed(),
        unchanged: false,
    })
}

/// Renders in memory: every output path → bytes, plus warnings. Links are not verified
/// (tests look at pages whose links are broken on purpose; `check` reports those).
pub fn build_in_memory(
    sources: &SourceTree,
    options: &PlanOptions,
) -> Result<(BTreeMap<String, Vec<u8>>, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::new();
    let mut pipeline = Pipeline::prepare(sources, options, &mut warnings)?;
    let output = MemoryOutput::default();
    if let Err(problems) = pipeline.render(Routes::All, &output) {
        warnings.extend(problems);
        return Err(warnings);
    }
    Ok((output.into_files(), warnings))
}

/// A relative `--output-dir` is relative to the site root, as in Zola.
pub fn resolve_output(root: &Path, output: &Path) -> PathBuf {
    if output.is_absolute() {
        output.to_path_buf()
    } else {
        root.join(output)
    }
}
