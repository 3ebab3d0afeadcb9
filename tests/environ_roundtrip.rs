//! Property: `environ::format` and `environ::parse` are inverses for every
//! list of entries the format can carry (valid, unique names; NUL-free values).

use std::collections::HashSet;

use aws_env::environ::{self, Entry};
use proptest::collection::vec;
use proptest::prelude::*;

/// A portable variable name: `[A-Za-z_][A-Za-z0-9_]*`, up to 24 bytes.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,23}"
}

/// Any bytes but NUL (the separator), UTF-8 or not, `=` and newlines included.
fn value() -> impl Strategy<Value = Vec<u8>> {
    vec(1u8..=255, 0..64)
}

/// Entries with unique names, in the order generated.
fn entries() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    vec((name(), value()), 0..24).prop_map(|pairs| {
        let mut seen = HashSet::new();
        pairs
            .into_iter()
            .filter(|(name, _)| seen.insert(name.clone()))
            .collect()
    })
}

fn as_entries(pairs: &[(String, Vec<u8>)]) -> Vec<Entry<'_>> {
    pairs
        .iter()
        .map(|(name, value)| Entry { name, value })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn format_then_parse_gives_back_the_same_entries(pairs in entries()) {
        let entries = as_entries(&pairs);
        let bytes = environ::format(entries.iter().copied());
        let parsed = environ::parse(&bytes);
        prop_assert_eq!(&parsed.entries, &entries);
        prop_assert_eq!(parsed.skipped.total(), 0);
    }

    #[test]
    fn parse_then_format_is_a_fixed_point(bytes in vec(any::<u8>(), 0..512)) {
        // Whatever the input, formatting what was parsed and parsing it again
        // yields the same entries, with nothing left to skip.
        let first = environ::parse(&bytes);
        let formatted = environ::format(first.entries.iter().copied());
        let second = environ::parse(&formatted);
        prop_assert_eq!(&second.entries, &first.entries);
        prop_assert_eq!(second.skipped.total(), 0);
    }

    #[test]
    fn a_missing_final_nul_changes_nothing(pairs in entries()) {
        let entries = as_entries(&pairs);
        let mut bytes = environ::format(entries.iter().copied());
        bytes.pop();
        prop_assert_eq!(&environ::parse(&bytes).entries, &entries);
    }
}
