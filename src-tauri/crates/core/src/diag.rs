//! Diagnostics: one problem found in user input, with where it was found.

use std::fmt;

/// One problem in user input (lỗi dữ liệu): a stable code, the place
/// (a JSON path such as `$.constituencies[2].seats`, or a field name) and a
/// Vietnamese message meant for the person who made the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    pub fn new(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { code, path: path.into(), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
