//! `rounds serve`: the live preview (see `crate::serve`).

use std::process::ExitCode;

use clap::Args;

use super::report;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: super::SiteArgs,
    /// Port to listen on (0 picks a free one)
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; only this machine can connect by default
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Include draft posts
    #[arg(long)]
    pub drafts: bool,
    /// Open the preview in the default browser
    #[arg(long)]
    pub open: bool,
    /// Rebuild the whole site on every save (by default only what the change
    /// touches is redrawn)
    #[arg(long)]
    pub full_rebuilds: bool,
}

pub fn run(args: &ServeArgs) -> ExitCode {
    let options = crate::serve::ServeOptions {
        root: args.site.root.clone(),
        bind: args.bind.clone(),
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        quiet: args.site.quiet,
        full_rebuilds: args.full_rebuilds,
    };
    let site = args.site.clone();
    match crate::serve::run(&options, move |problems| {
        report(&site, &mut problems.to_vec());
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
