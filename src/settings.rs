//! The three INI settings, as values the core understands.

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::names::DEFAULT_NAMES;

// NUL-terminated because PHP's INI tables want them so.
pub const INI_ENABLED: &CStr = c"aws_env.enabled";
pub const INI_NAMES: &CStr = c"aws_env.names";
pub const INI_ENVIRON_FILE: &CStr = c"aws_env.environ_file";

pub const DEFAULT_ENABLED: &CStr = c"1";
pub const DEFAULT_ENVIRON_FILE: &CStr = c"/proc/1/environ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub enabled: bool,
    /// Raw `aws_env.names`: an INI value may hold any byte.
    pub names: Vec<u8>,
    /// Raw `aws_env.environ_file`; empty disables the file source.
    pub environ_file: Vec<u8>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: parse_bool(DEFAULT_ENABLED.to_bytes()),
            names: DEFAULT_NAMES.as_bytes().to_vec(),
            environ_file: DEFAULT_ENVIRON_FILE.to_bytes().to_vec(),
        }
    }
}

impl Settings {
    pub fn environ_file_path(&self) -> Option<&Path> {
        (!self.environ_file.is_empty()).then(|| Path::new(OsStr::from_bytes(&self.environ_file)))
    }
}

/// PHP's reading of a boolean INI value (`zend_ini_parse_bool`): "true",
/// "yes" and "on" in any case, otherwise a leading integer that is not 0.
pub fn parse_bool(value: &[u8]) -> bool {
    let words: [&[u8]; 3] = [b"true", b"yes", b"on"];
    if words.iter().any(|word| value.eq_ignore_ascii_case(word)) {
        return true;
    }
    leading_integer_is_nonzero(value)
}

/// What C's `atol(value) != 0` says, without overflow concerns: any non-zero
/// digit in the leading integer makes it non-zero.
fn leading_integer_is_nonzero(value: &[u8]) -> bool {
    let trimmed = value.trim_ascii_start();
    let unsigned = trimmed
        .strip_prefix(b"-")
        .or_else(|| trimmed.strip_prefix(b"+"))
        .unwrap_or(trimmed);
    unsigned
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .any(|b| *b != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_words_and_numbers_read_like_php() {
        for on in ["1", "On", "YES", "true", "2", " 7", "-1", "10abc"] {
            assert!(parse_bool(on.as_bytes()), "{on}");
        }
        for off in ["", "0", "off", "no", "false", "abc", "00", " ", "-0"] {
            assert!(!parse_bool(off.as_bytes()), "{off}");
        }
    }

    #[test]
    fn empty_environ_file_disables_the_file_source() {
        let settings = Settings {
            environ_file: Vec::new(),
            ..Settings::default()
        };
        assert_eq!(settings.environ_file_path(), None);
        assert_eq!(
            Settings::default().environ_file_path(),
            Some(Path::new("/proc/1/environ"))
        );
    }
}
