//! `chapterhouse watch` and `serve`: rebuild on every change, and for `serve` also serve
//! the output on loopback with live reload, until the process is stopped.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chapterhouse::config::BaseUrl;
use chapterhouse::plan::PlanOptions;
use chapterhouse::serve::{self, http};

use super::{OutputArgs, SiteArgs, failed, parse_base_url, usage_error};

#[derive(clap::Args)]
pub struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Serve from this URL instead of site.toml's base_url.
    #[arg(short = 'u', long, value_parser = parse_base_url)]
    base_url: Option<BaseUrl>,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Address to listen on (loopback unless told otherwise).
    #[arg(short, long, default_value = "127.0.0.1")]
    interface: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
}

pub fn run_watch(args: WatchArgs) -> ExitCode {
    match args.site.plan(None, args.base_url) {
        Ok(plan) => watch(&args.site.root, &args.output.output_dir, plan, None),
        Err(code) => code,
    }
}

pub fn run_serve(args: ServeArgs) -> ExitCode {
    let (interface, port) = (args.interface, args.port);
    let server = match std::net::TcpListener::bind((interface, port)) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {interface}:{port}: {e}");
            return ExitCode::from(1);
        }
    };
    let address = server
        .local_addr()
        .ok()
        .map(|a| a.to_string())
        .unwrap_or_else(|| format!("{interface}:{port}"));
    let url = format!("http://{address}/");
    let Ok(base_url) = BaseUrl::parse(&url) else {
        return usage_error("bad address");
    };
    match args.site.plan(None, Some(base_url)) {
        Ok(plan) => watch(
            &args.site.root,
            &args.output.output_dir,
            plan,
            Some((server, url)),
        ),
        Err(code) => code,
    }
}

/// Watches (and serves, given a server) until the process is stopped.
fn watch(
    root: &Path,
    output_dir: &Path,
    plan: PlanOptions,
    server: Option<(std::net::TcpListener, String)>,
) -> ExitCode {
    let watcher = match serve::Watcher::new(root, output_dir, plan) {
        Ok(watcher) => watcher,
        Err(diagnostics) => return failed(diagnostics, "Watch failed", "nothing was written"),
    };
    let shared = Arc::new(http::Shared::default());
    if let Some((server, url)) = server {
        let (output, shared) = (watcher.output_dir().to_path_buf(), shared.clone());
        std::thread::spawn(move || http::serve(server, output, shared));
        println!("Serving {url} (Ctrl+C to stop)");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let report_shared = shared.clone();
    let result = serve::watch(watcher, stop, move |result| match result {
        Ok(rebuild) => {
            println!(
                "Rebuilt in {} ms: {} file{} written, {} removed ({} of {} rendered)",
                rebuild.elapsed.as_millis(),
                rebuild.written,
                if rebuild.written == 1 { "" } else { "s" },
                rebuild.removed,
                rebuild.rendered,
                rebuild.total
            );
            report_shared.reloaded();
        }
        Err(diagnostics) => {
            let text = diagnostics.clone().sorted().to_string();
            eprint!("{text}");
            eprintln!("The last good output is kept; fix the error and save.");
            report_shared.failed(text);
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => failed(
            d.into(),
            "Watch failed",
            "the output is as the last rebuild left it",
        ),
    }
}
