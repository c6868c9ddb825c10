//! A progress bar that stays out of the way: it appears only on a terminal,
//! and only once work has run longer than a moment.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const PATIENCE: Duration = Duration::from_millis(400);

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown_after: Mutex<Option<Instant>>,
}

impl Progress {
    /// `enabled` is false for `--quiet`, JSON output and tests.
    pub fn new(enabled: bool) -> Progress {
        let enabled = enabled && std::io::IsTerminal::is_terminal(&std::io::stderr());
        Progress {
            bar: ProgressBar::hidden(),
            enabled,
            shown_after: Mutex::new(None),
        }
    }

    pub fn start(&self, label: &str, len: u64) {
        self.bar.set_length(len);
        self.bar.set_position(0);
        self.bar.set_message(label.to_string());
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>9.cyan.bold} [{bar:40}] {pos}/{len} {eta}")
        {
            self.bar.set_style(style.progress_chars("=> "));
        }
        if let Ok(mut at) = self.shown_after.lock() {
            *at = Some(Instant::now() + PATIENCE);
        }
    }

    pub fn inc(&self) {
        self.bar.inc(1);
        if !self.enabled || !self.bar.is_hidden() {
            return;
        }
        if let Ok(mut at) = self.shown_after.try_lock() {
            if at.is_some_and(|t| Instant::now() >= t) {
                *at = None;
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
