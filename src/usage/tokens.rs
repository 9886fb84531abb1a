//! Token counts: the one struct every part of accounting adds up.

use serde::{Deserialize, Serialize};

/// Tokens (and web-search requests) of one request, one run, or one report row.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    /// Cache writes with the 5-minute TTL.
    pub cache_write_5m: u64,
    /// Cache writes with the 1-hour TTL.
    pub cache_write_1h: u64,
    pub cache_read: u64,
    pub web_search_requests: u64,
}

impl Tokens {
    /// Adds `other` into `self` (saturating: hostile input never wraps).
    pub fn add(&mut self, other: &Tokens) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.cache_write_5m = self.cache_write_5m.saturating_add(other.cache_write_5m);
        self.cache_write_1h = self.cache_write_1h.saturating_add(other.cache_write_1h);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.web_search_requests = self
            .web_search_requests
            .saturating_add(other.web_search_requests);
    }

    /// `self - other`, field by field, floored at zero.
    pub fn saturating_sub(&self, other: &Tokens) -> Tokens {
        Tokens {
            input: self.input.saturating_sub(other.input),
            output: self.output.saturating_sub(other.output),
            cache_write_5m: self.cache_write_5m.saturating_sub(other.cache_write_5m),
            cache_write_1h: self.cache_write_1h.saturating_sub(other.cache_write_1h),
            cache_read: self.cache_read.saturating_sub(other.cache_read),
            web_search_requests: self
                .web_search_requests
                .saturating_sub(other.web_search_requests),
        }
    }

    /// All cache writes.
    pub fn cache_write(&self) -> u64 {
        self.cache_write_5m.saturating_add(self.cache_write_1h)
    }

    /// The input side of a request: input + cache writes + cache reads (the long-context test).
    pub fn input_side(&self) -> u64 {
        self.input
            .saturating_add(self.cache_write())
            .saturating_add(self.cache_read)
    }

    /// Every token, input side and output.
    pub fn total(&self) -> u64 {
        self.input_side().saturating_add(self.output)
    }

    pub fn is_zero(&self) -> bool {
        *self == Tokens::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let a = Tokens {
            input: u64::MAX,
            output: 1,
            ..Default::default()
        };
        let mut b = a;
        b.add(&a);
        assert_eq!(b.input, u64::MAX);
        assert_eq!(b.output, 2);
        assert_eq!(a.saturating_sub(&b).output, 0);
        let t = Tokens {
            input: 1,
            cache_write_5m: 2,
            cache_write_1h: 3,
            cache_read: 4,
            output: 5,
            ..Default::default()
        };
        assert_eq!(t.input_side(), 10);
        assert_eq!(t.total(), 15);
    }
}
