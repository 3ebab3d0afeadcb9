//! The environ parser on arbitrary bytes: it must never panic, and what it
//! returns must obey the format's rules whatever the input. The same bytes
//! then go through `capture` as a process environment, which must keep only
//! allowlisted, non-empty values, each the first one for its name.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use aws_env::capture::{Sources, capture};
use aws_env::environ::{self, is_valid_name};
use aws_env::names::{DEFAULT_NAMES, NameList};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = environ::parse(data);

    // Every chunk between NULs is either an entry or counted as skipped.
    let chunks = data.split(|&b| b == 0).filter(|c| !c.is_empty()).count();
    assert_eq!(parsed.entries.len() + parsed.skipped.total(), chunks);

    let mut names = HashSet::new();
    for entry in &parsed.entries {
        assert!(is_valid_name(entry.name.as_bytes()), "invalid name kept");
        assert!(names.insert(entry.name), "duplicate name kept");
        assert!(!entry.value.contains(&0), "NUL inside a value");
    }

    // Formatting what was parsed and parsing it again changes nothing.
    let formatted = environ::format(parsed.entries.iter().copied());
    let again = environ::parse(&formatted);
    assert_eq!(again.entries, parsed.entries);
    assert_eq!(again.skipped.total(), 0);

    check_capture(data, &parsed);
});

/// The default allowlist, parsed once rather than on every input.
fn default_names() -> &'static NameList {
    static NAMES: OnceLock<NameList> = OnceLock::new();
    NAMES.get_or_init(|| NameList::parse(DEFAULT_NAMES.as_bytes()))
}

fn check_capture(data: &[u8], parsed: &environ::Parsed<'_>) {
    let names = default_names();
    let captured = capture(
        names,
        &Sources {
            process_environ: data,
            environ_file: None,
        },
    );
    let expected: Vec<_> = parsed
        .entries
        .iter()
        .filter(|entry| !entry.value.is_empty() && names.matches(entry.name))
        .collect();
    assert_eq!(captured.vars.len(), expected.len());
    for entry in expected {
        let var = captured
            .vars
            .iter()
            .find(|var| var.name == entry.name)
            .expect("an allowlisted non-empty entry is captured");
        assert_eq!(var.value, entry.value);
    }
    assert!(captured.vars.windows(2).all(|w| w[0].name < w[1].name));
}
