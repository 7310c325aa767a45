//! `chapterhouse init DIR`: a new site from the starter.

use std::path::PathBuf;
use std::process::ExitCode;

use chapterhouse::scaffold;

use super::failed;

#[derive(clap::Args)]
pub struct Args {
    dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match scaffold::init(&args.dir) {
        Ok(files) => {
            println!(
                "Created a new site in {} ({} files). Build it with:",
                args.dir.display(),
                files.len()
            );
            println!("  chapterhouse build --root {}", args.dir.display());
            ExitCode::SUCCESS
        }
        Err(d) => failed(d.into(), "Init failed", "nothing was created"),
    }
}
