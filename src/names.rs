//! The `aws_env.names` allowlist: exact names and `PREFIX*` patterns.

use std::borrow::Cow;

use crate::environ::is_valid_name;

/// The allowlist used when `aws_env.names` is not set. The static secrets
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) are
/// left out on purpose: a container that holds them should hand them to PHP
/// deliberately, not through this extension.
macro_rules! default_names {
    () => {
        "AWS_CONTAINER_*, AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV, \
ECS_CONTAINER_METADATA_URI, ECS_CONTAINER_METADATA_URI_V4, ECS_AGENT_URI, AWS_ROLE_ARN, \
AWS_ROLE_SESSION_NAME, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_STS_REGIONAL_ENDPOINTS, \
AWS_EC2_METADATA_*, AWS_METADATA_SERVICE_*"
    };
}

pub const DEFAULT_NAMES: &str = default_names!();

/// The same list as the INI default, which PHP wants NUL-terminated.
pub const DEFAULT_NAMES_C: &std::ffi::CStr =
    match std::ffi::CStr::from_bytes_with_nul(concat!(default_names!(), "\0").as_bytes()) {
        Ok(names) => names,
        Err(_) => panic!("the default names hold no NUL"),
    };

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Exact(Cow<'static, str>),
    Prefix(Cow<'static, str>),
}

/// [`DEFAULT_NAMES`], parsed: the usual configuration then costs module
/// start-up neither a parse nor an allocation. A test checks that it is what
/// [`NameList::parse`] makes of the list.
static DEFAULT_PATTERNS: [Pattern; 13] = [
    Pattern::Prefix(Cow::Borrowed("AWS_CONTAINER_")),
    Pattern::Exact(Cow::Borrowed("AWS_REGION")),
    Pattern::Exact(Cow::Borrowed("AWS_DEFAULT_REGION")),
    Pattern::Exact(Cow::Borrowed("AWS_EXECUTION_ENV")),
    Pattern::Exact(Cow::Borrowed("ECS_CONTAINER_METADATA_URI")),
    Pattern::Exact(Cow::Borrowed("ECS_CONTAINER_METADATA_URI_V4")),
    Pattern::Exact(Cow::Borrowed("ECS_AGENT_URI")),
    Pattern::Exact(Cow::Borrowed("AWS_ROLE_ARN")),
    Pattern::Exact(Cow::Borrowed("AWS_ROLE_SESSION_NAME")),
    Pattern::Exact(Cow::Borrowed("AWS_WEB_IDENTITY_TOKEN_FILE")),
    Pattern::Exact(Cow::Borrowed("AWS_STS_REGIONAL_ENDPOINTS")),
    Pattern::Prefix(Cow::Borrowed("AWS_EC2_METADATA_")),
    Pattern::Prefix(Cow::Borrowed("AWS_METADATA_SERVICE_")),
];

impl Pattern {
    /// Parses one entry; `None` when it is not a name with an optional
    /// trailing `*`. A bare `*` is refused: it would export every secret.
    fn parse(entry: &[u8]) -> Option<Self> {
        let (stem, is_prefix) = match entry.strip_suffix(b"*") {
            Some(stem) => (stem, true),
            None => (entry, false),
        };
        if !is_valid_name(stem) {
            return None;
        }
        let stem = Cow::Owned(String::from_utf8(stem.to_vec()).ok()?);
        Some(if is_prefix {
            Pattern::Prefix(stem)
        } else {
            Pattern::Exact(stem)
        })
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(exact) => name == exact,
            Pattern::Prefix(prefix) => name.starts_with(&**prefix),
        }
    }

    fn stem(&self) -> &str {
        match self {
            Pattern::Exact(stem) | Pattern::Prefix(stem) => stem,
        }
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pattern::Exact(exact) => f.write_str(exact),
            Pattern::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

/// The parsed allowlist, with the entries it had to ignore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameList {
    pub patterns: Cow<'static, [Pattern]>,
    /// Malformed entries, escaped for display (they come from an INI file and
    /// may hold any byte), in the order they appeared.
    pub invalid: Vec<String>,
    /// The first bytes the patterns start with, a bit each: most names of an
    /// environment start with none of them and are refused at once.
    first_bytes: [u64; 4],
}

/// Longest form of an invalid entry that a message quotes: a 64 KiB line of
/// junk must not become a 64 KiB warning.
const MAX_SHOWN_ENTRY: usize = 64;

impl NameList {
    /// Parses a list separated by commas and/or ASCII whitespace. Empty
    /// entries (`a,,b`, a trailing comma) are not errors.
    pub fn parse(spec: &[u8]) -> Self {
        if spec == DEFAULT_NAMES.as_bytes() {
            return Self::with_patterns(Cow::Borrowed(&DEFAULT_PATTERNS), Vec::new());
        }
        Self::parse_entries(spec)
    }

    fn parse_entries(spec: &[u8]) -> Self {
        let mut patterns = Vec::new();
        let mut invalid = Vec::new();
        let entries = spec
            .split(|b| *b == b',' || b.is_ascii_whitespace())
            .filter(|entry| !entry.is_empty());
        for entry in entries {
            match Pattern::parse(entry) {
                Some(pattern) if !patterns.contains(&pattern) => patterns.push(pattern),
                Some(_) => {}
                None => invalid.push(shown(entry)),
            }
        }
        Self::with_patterns(Cow::Owned(patterns), invalid)
    }

    fn with_patterns(patterns: Cow<'static, [Pattern]>, invalid: Vec<String>) -> Self {
        let mut first_bytes = [0; 4];
        for pattern in patterns.iter() {
            // A stem is a valid name, never empty.
            if let Some(&first) = pattern.stem().as_bytes().first() {
                first_bytes[usize::from(first / 64)] |= 1 << (first % 64);
            }
        }
        NameList {
            patterns,
            invalid,
            first_bytes,
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        // No pattern matches an empty name: every stem has a first byte.
        let Some(&first) = name.as_bytes().first() else {
            return false;
        };
        self.first_bytes[usize::from(first / 64)] & (1 << (first % 64)) != 0
            && self.patterns.iter().any(|pattern| pattern.matches(name))
    }
}

fn shown(entry: &[u8]) -> String {
    let escaped = entry.escape_ascii().to_string();
    if escaped.len() <= MAX_SHOWN_ENTRY {
        return escaped;
    }
    // `escape_ascii` output is ASCII, so any byte index is a char boundary.
    format!("{}...", &escaped[..MAX_SHOWN_ENTRY])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown_patterns(list: &NameList) -> Vec<String> {
        list.patterns.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn ini_default_is_the_same_list() {
        assert_eq!(DEFAULT_NAMES_C.to_bytes(), DEFAULT_NAMES.as_bytes());
    }

    #[test]
    fn default_list_parses_cleanly() {
        let list = NameList::parse(DEFAULT_NAMES.as_bytes());
        assert!(list.invalid.is_empty(), "{:?}", list.invalid);
        assert_eq!(list.patterns.len(), 13);
    }

    #[test]
    fn default_list_is_the_parsed_default_without_a_parse() {
        let list = NameList::parse(DEFAULT_NAMES.as_bytes());
        assert!(matches!(list.patterns, Cow::Borrowed(_)));
        assert_eq!(list, NameList::parse_entries(DEFAULT_NAMES.as_bytes()));
    }

    #[test]
    fn first_byte_filter_agrees_with_the_patterns() {
        let list = NameList::parse(b"AWS_*, ECS_AGENT_URI, _X, z");
        for name in [
            "AWS_",
            "AWS_REGION",
            "ECS_AGENT_URI",
            "_X",
            "z",
            "",
            "A",
            "ECS",
            "Z",
            "_Y",
        ] {
            assert_eq!(
                list.matches(name),
                list.patterns.iter().any(|pattern| pattern.matches(name)),
                "{name:?}"
            );
        }
    }

    #[test]
    fn default_list_takes_container_variables_and_leaves_static_secrets() {
        let list = NameList::parse(DEFAULT_NAMES.as_bytes());
        for taken in [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "ECS_CONTAINER_METADATA_URI_V4",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_METADATA_SERVICE_TIMEOUT",
        ] {
            assert!(list.matches(taken), "{taken} should be taken");
        }
        for left in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_REGION_X",
            "ECS_CONTAINER_METADATA_URI_V3",
            "DB_PASSWORD",
            "PATH",
        ] {
            assert!(!list.matches(left), "{left} should be left");
        }
    }

    #[test]
    fn separators_are_commas_and_whitespace_and_empty_entries_are_ignored() {
        let list = NameList::parse(b" A,B\tC\n,, D ,\r\nE_* ,");
        assert_eq!(shown_patterns(&list), ["A", "B", "C", "D", "E_*"]);
        assert!(list.invalid.is_empty());
    }

    #[test]
    fn empty_spec_is_an_empty_list() {
        let list = NameList::parse(b"");
        assert!(list.patterns.is_empty() && list.invalid.is_empty());
        assert!(!list.matches("AWS_REGION"));
    }

    #[test]
    fn malformed_entries_are_reported_and_ignored() {
        let list = NameList::parse(b"*, A**, 1A, A-B, *A, A*B, OK, \xff");
        assert_eq!(shown_patterns(&list), ["OK"]);
        assert_eq!(
            list.invalid,
            ["*", "A**", "1A", "A-B", "*A", "A*B", "\\xff"]
        );
    }

    #[test]
    fn bare_star_matches_nothing() {
        let list = NameList::parse(b"*");
        assert!(!list.matches("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn duplicate_patterns_are_kept_once() {
        let list = NameList::parse(b"A, A, B*, B*");
        assert_eq!(shown_patterns(&list), ["A", "B*"]);
    }

    #[test]
    fn prefix_and_exact_matching() {
        let list = NameList::parse(b"AWS_CONTAINER_*, AWS_REGION");
        assert!(list.matches("AWS_CONTAINER_"));
        assert!(list.matches("AWS_CONTAINER_X"));
        assert!(!list.matches("AWS_CONTAINE"));
        assert!(list.matches("AWS_REGION"));
        assert!(!list.matches("AWS_REGIONS"));
    }

    #[test]
    fn long_junk_entry_is_shortened_in_messages() {
        let junk = vec![b'-'; 70_000];
        let list = NameList::parse(&junk);
        assert_eq!(list.invalid.len(), 1);
        assert_eq!(list.invalid[0], format!("{}...", "-".repeat(64)));
    }
}
