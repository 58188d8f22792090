//! The clock, passed in to everything that records a time.
//!
//! Time is ICT (+07:00) whatever the laptop's time zone. Use cases ask the
//! app (`App::now`), whose clock is `Clock::System` (the laptop's;
//! `TOBAUCU_NOW` overrides it) unless `App::set_clock` set `Clock::Fixed`
//! (in-process tests).

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// Vietnam time (ICT, UTC+7, no daylight saving): election times are
/// recorded in it whatever the laptop's time zone setting.
pub fn ict() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

use chrono::Offset;

/// The time now in ICT. `TOBAUCU_NOW` (RFC 3339) overrides it, for tests
/// and rehearsals of election day.
pub fn now() -> DateTime<FixedOffset> {
    if let Some(s) = std::env::var_os("TOBAUCU_NOW") {
        if let Ok(t) = DateTime::parse_from_rfc3339(&s.to_string_lossy()) {
            return t.with_timezone(&ict());
        }
    }
    Utc::now().with_timezone(&ict())
}

/// Where an [`App`](crate::App) reads the time. Use cases ask the app
/// (`App::now`), never the system, so they can be run in process at any
/// moment of election day (`App::set_clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The laptop's clock in ICT; `TOBAUCU_NOW` overrides it (the CLI
    /// tests, a rehearsal of election day).
    #[default]
    System,
    /// Always this time (in-process tests).
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    /// A fixed clock at an RFC 3339 time (`2026-03-15T07:12:03+07:00`).
    pub fn fixed(rfc3339: &str) -> Option<Clock> {
        DateTime::parse_from_rfc3339(rfc3339).ok().map(Clock::Fixed)
    }

    pub fn now(self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => now(),
            Clock::Fixed(t) => t.with_timezone(&ict()),
        }
    }
}

/// RFC 3339 with seconds: `2026-03-15T07:12:03+07:00`.
pub fn stamp(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&ict()).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// `07:12 ngày 15/03/2026` from a stored stamp.
pub fn vi_time(stamp: &str) -> String {
    match DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => t.with_timezone(&ict()).format("%H:%M ngày %d/%m/%Y").to_string(),
        Err(_) => stamp.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_ict() {
        let t = DateTime::parse_from_rfc3339("2026-03-15T00:12:03Z").unwrap_or_default();
        assert_eq!(stamp(t), "2026-03-15T07:12:03+07:00");
        assert_eq!(vi_time("2026-03-15T07:12:03+07:00"), "07:12 ngày 15/03/2026");
    }
}
