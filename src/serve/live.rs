//! What the browser is told: each rebuild's outcome, broadcast to every open
//! page over server-sent events, and the latest one kept for pages that
//! connect later (a page opened while the build is broken shows the error).

use std::sync::Mutex;

use tokio::sync::broadcast;

/// One rebuild's outcome, as the page's script understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Pages changed: reload.
    Reload,
    /// Only stylesheets changed: swap them without reloading.
    Css,
    /// The rebuild failed; the text is the diagnostics, as the terminal shows them.
    Failed(String),
}

impl Event {
    /// The SSE event name and its data.
    pub fn wire(&self) -> (&'static str, String) {
        match self {
            Event::Reload => ("reload", "{}".into()),
            Event::Css => ("css", "{}".into()),
            Event::Failed(text) => ("error", serde_json::json!({ "text": text }).to_string()),
        }
    }
}

/// The shared state between the rebuilds and the HTTP server.
pub struct Live {
    sender: broadcast::Sender<Event>,
    /// The error the site is in, if the last rebuild failed.
    failure: Mutex<Option<String>>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            sender: broadcast::channel(16).0,
            failure: Mutex::new(None),
        }
    }
}

impl Live {
    pub fn publish(&self, event: Event) {
        if let Ok(mut failure) = self.failure.lock() {
            *failure = match &event {
                Event::Failed(text) => Some(text.clone()),
                _ => None,
            };
        }
        // No page open is not a problem.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// The event a newly opened page should see first, if any.
    pub fn current(&self) -> Option<Event> {
        self.failure.lock().ok()?.clone().map(Event::Failed)
    }
}
