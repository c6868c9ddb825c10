//! Retries for transient failures: wait as the server says (Retry-After),
//! otherwise back off exponentially with jitter; never retry a rejection.

use std::time::Duration;

use super::PostError;

#[derive(Debug, Clone)]
pub struct Policy {
    pub attempts: u32,
    pub base: Duration,
    pub max_wait: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            attempts: 4,
            base: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

pub fn run<T>(
    policy: &Policy,
    mut attempt: impl FnMut() -> Result<T, PostError>,
) -> Result<T, PostError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt() {
            Ok(value) => return Ok(value),
            Err(e) if !e.transient || tries >= policy.attempts => return Err(e),
            Err(e) => {
                let backoff = policy.base * 2u32.saturating_pow(tries - 1);
                let wait = e.retry_after.unwrap_or(backoff + jitter(policy.base));
                std::thread::sleep(wait.min(policy.max_wait));
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
            max_wait: Duration::from_millis(5),
        }
    }

    #[test]
    fn transient_failures_are_retried_and_rejections_are_not() {
        let mut calls = 0;
        let result = run(&quick(), || {
            calls += 1;
            if calls < 3 {
                Err(PostError::transient("503"))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.unwrap(), 3);
        let mut calls = 0;
        let result: Result<(), _> = run(&quick(), || {
            calls += 1;
            Err(PostError::permanent("422 too long"))
        });
        assert_eq!(calls, 1);
        assert_eq!(result.unwrap_err().message, "422 too long");
    }
}
