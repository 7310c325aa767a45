//! `chapterhouse build`: the site into its output folder, replaced atomically.

use std::process::ExitCode;

use chapterhouse::build::{self, BuildOptions};
use chapterhouse::config::BaseUrl;
use chapterhouse::model::ChapterSlug;

use super::{OutputArgs, SiteArgs, failed, parse_base_url, parse_chapter, report};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Serve from this URL instead of site.toml's base_url (or the chapter's site_url).
    #[arg(short = 'u', long, value_parser = parse_base_url)]
    base_url: Option<BaseUrl>,
    /// Build this chapter alone as a standalone site rooted at its site_url.
    #[arg(long, value_parser = parse_chapter)]
    chapter: Option<ChapterSlug>,
    /// Replace the output folder even if chapterhouse did not make it.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> ExitCode {
    let plan = match args.site.plan(args.chapter, args.base_url) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    // Said when the build fails: whether there was an output that was kept.
    let had_output = build::resolve_output(&args.site.root, &args.output.output_dir)
        .join(chapterhouse::output::MARKER)
        .is_file();
    let options = BuildOptions {
        root: args.site.root,
        output_dir: args.output.output_dir,
        plan,
        force: args.force,
    };
    match build::build(&options) {
        Ok(summary) => {
            report(&summary.warnings);
            if summary.unchanged {
                println!(
                    "Up to date: {} pages ({} files) unchanged since the last build, checked in {} ms",
                    summary.stats.pages,
                    summary.stats.files,
                    summary.elapsed.as_millis()
                );
            } else {
                println!(
                    "Built {} pages ({} files) in {} ms",
                    summary.stats.pages,
                    summary.stats.files,
                    summary.elapsed.as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) if had_output => failed(
            diagnostics,
            "Build failed",
            "the previous output was left as it was",
        ),
        Err(diagnostics) => failed(diagnostics, "Build failed", "nothing was written"),
    }
}
