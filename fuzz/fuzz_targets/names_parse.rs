//! The `aws_env.names` parser on arbitrary INI bytes: it must never panic,
//! keep only well-formed unique patterns, quote bad entries briefly and in
//! printable ASCII, and read its own output back to the same list.

#![no_main]

use aws_env::environ::is_valid_name;
use aws_env::names::{NameList, Pattern};
use libfuzzer_sys::fuzz_target;

/// Longest quoted entry: 64 characters and "...".
const MAX_SHOWN: usize = 64 + 3;

fuzz_target!(|data: &[u8]| {
    let list = NameList::parse(data);

    let entries = data
        .split(|b| *b == b',' || b.is_ascii_whitespace())
        .filter(|entry| !entry.is_empty())
        .count();
    assert!(list.patterns.len() + list.invalid.len() <= entries);

    for (i, pattern) in list.patterns.iter().enumerate() {
        let stem = match pattern {
            Pattern::Exact(stem) | Pattern::Prefix(stem) => stem,
        };
        // A bare `*` (an empty stem) would hand every secret to PHP.
        assert!(is_valid_name(stem.as_bytes()), "pattern with a bad stem");
        assert!(!list.patterns[..i].contains(pattern), "duplicate pattern");
        assert!(pattern.matches(stem), "a pattern must match its own stem");
    }
    for shown in &list.invalid {
        assert!(shown.len() <= MAX_SHOWN, "quoted entry too long");
        assert!(
            shown.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "unprintable byte quoted"
        );
    }

    // The displayed list is itself a valid list that means the same thing.
    let shown: Vec<String> = list.patterns.iter().map(ToString::to_string).collect();
    let reread = NameList::parse(shown.join(",").as_bytes());
    assert_eq!(reread.patterns, list.patterns);
    assert!(reread.invalid.is_empty());

    // Matching any name-like slice of the input must not panic, and must
    // agree with the patterns one by one.
    if let Ok(name) = std::str::from_utf8(data) {
        assert_eq!(
            list.matches(name),
            list.patterns.iter().any(|p| p.matches(name))
        );
    }
});
