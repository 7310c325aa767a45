//! `chapterhouse check`: links and compliance, rendered in memory; exit 1 on errors (or on
//! warnings with `--deny-warnings`).

use std::process::ExitCode;

use chapterhouse::check;
use chapterhouse::model::ChapterSlug;

use super::{SiteArgs, failed, parse_chapter};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: SiteArgs,
    /// Check this chapter as its standalone site.
    #[arg(long, value_parser = parse_chapter)]
    chapter: Option<ChapterSlug>,
    /// `text` for people, `json` for CI tools (schema in the README).
    #[arg(long, value_enum, default_value = "text")]
    format: check::Format,
    /// Also fetch external links.
    #[arg(long)]
    external: bool,
    /// Seconds to wait for each external link.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> ExitCode {
    let plan = match args.site.plan(args.chapter, None) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let sources = match chapterhouse::source::read_tree(&args.site.root) {
        Ok(sources) => sources,
        Err(diagnostics) => return failed(diagnostics, "Check failed", "nothing was checked"),
    };
    let options = check::CheckOptions {
        plan,
        external: args.external,
        timeout_seconds: args.timeout,
    };
    let report = check::run(&sources, &options);
    print!("{}", check::render_report(&report, args.format));
    if report.fails(args.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
