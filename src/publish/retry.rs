//! Retries for transient failures: wait as the server says (Retry-After),
//! otherwise back off exponentially with jitter; never retry a rejection, nor
//! a post whose outcome is unknown. All the waiting for one network in one
//! run comes out of one [`Budget`], so a network that keeps answering 429
//! costs a bounded time, not minutes per item.

use std::time::Duration;

use super::PostError;

#[derive(Debug, Clone)]
pub struct Policy {
    pub attempts: u32,
    pub base: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            attempts: 4,
            base: Duration::from_millis(500),
        }
    }
}

/// The waiting one network may still do in this run (`[publish] max_wait`).
#[derive(Debug, Clone)]
pub struct Budget {
    allowed: Duration,
    left: Duration,
    spent: bool,
}

impl Budget {
    pub fn new(allowed: Duration) -> Self {
        Budget {
            allowed,
            left: allowed,
            spent: false,
        }
    }

    /// True once a wait did not fit: the network's remaining items are left
    /// for the next run.
    pub fn is_spent(&self) -> bool {
        self.spent
    }

    /// Why the network's remaining items were not sent.
    pub fn why_spent(&self) -> String {
        format!(
            "not sent: the network kept asking to wait, past the {} this run waits for it ([publish] max_wait); the next run sends it",
            crate::outreach::duration::show(self.allowed)
        )
    }

    /// Takes `wait` from what is left, or marks the budget spent.
    fn take(&mut self, wait: Duration) -> bool {
        if wait <= self.left {
            self.left -= wait;
            true
        } else {
            self.spent = true;
            false
        }
    }
}

pub fn run<T>(
    policy: &Policy,
    budget: &mut Budget,
    mut attempt: impl FnMut() -> Result<T, PostError>,
) -> Result<T, PostError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt() {
            Ok(value) => return Ok(value),
            Err(e) if !e.transient || e.unconfirmed || tries >= policy.attempts => return Err(e),
            Err(e) => {
                let backoff = policy.base * 2u32.saturating_pow(tries - 1);
                let wait = e.retry_after.unwrap_or(backoff + jitter(policy.base));
                // A wait that does not fit is not begun: sleeping only to
                // give up after would waste the time.
                if !budget.take(wait) {
                    return Err(PostError {
                        message: format!(
                            "{}; stopped waiting after the {} this run waits for the network ([publish] max_wait)",
                            e.message,
                            crate::outreach::duration::show(budget.allowed)
                        ),
                        ..e
                    });
                }
                std::thread::sleep(wait);
            }
        }
    }
}

/// Up to `base` of jitter, so clients that failed together do not retry together.
fn jitter(base: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    base.mul_f64(f64::from(nanos % 1000) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Policy {
        Policy {
            attempts: 3,
            base: Duration::from_millis(1),
        }
    }

    fn plenty() -> Budget {
        Budget::new(Duration::from_secs(1))
    }

    #[test]
    fn transient_failures_are_retried_and_rejections_are_not() {
        let mut calls = 0;
        let result = run(&quick(), &mut plenty(), || {
            calls += 1;
            if calls < 3 {
                Err(PostError::transient("503"))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.unwrap(), 3);
        let mut calls = 0;
        let result: Result<(), _> = run(&quick(), &mut plenty(), || {
            calls += 1;
            Err(PostError::permanent("422 too long"))
        });
        assert_eq!(calls, 1);
        assert_eq!(result.unwrap_err().message, "422 too long");
    }

    #[test]
    fn an_unconfirmed_post_is_not_sent_again() {
        let mut calls = 0;
        let result: Result<(), _> = run(&quick(), &mut plenty(), || {
            calls += 1;
            Err(PostError::unconfirmed("200 without an id"))
        });
        assert_eq!(calls, 1);
        assert!(result.unwrap_err().unconfirmed);
    }

    #[test]
    fn a_wait_past_the_budget_is_not_begun_and_spends_it() {
        let mut budget = Budget::new(Duration::from_millis(30));
        let started = std::time::Instant::now();
        let mut calls = 0;
        let result: Result<(), _> = run(&quick(), &mut budget, || {
            calls += 1;
            Err(PostError {
                retry_after: Some(Duration::from_millis(20)),
                ..PostError::transient("429")
            })
        });
        // 20 ms fit in 30, the next 20 do not.
        assert_eq!(calls, 2);
        assert!(started.elapsed() < Duration::from_millis(200));
        let error = result.unwrap_err();
        assert!(error.transient && error.message.contains("max_wait"));
        assert!(budget.is_spent());
    }
}
