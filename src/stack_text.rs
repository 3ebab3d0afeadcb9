//! Text built on the stack, for the FFI edge to hand to the engine.
//!
//! A fatal error, `memory_limit` or an aborted connection makes the engine
//! `longjmp` straight over Rust frames, and nothing in them is dropped: a
//! `String` or `CString` alive across a call that prints or allocates would
//! then leak from the Rust heap, once per bailout, for the life of a php-fpm
//! worker. A fixed buffer on the stack needs no drop, so log lines and
//! phpinfo rows are formatted into one of these instead.

use std::ffi::{CStr, c_char};
use std::fmt;

/// What replaces the tail of a text that does not fit.
const ELLIPSIS: &[u8] = b"...";

/// Up to `N - 1` bytes of text and a terminating NUL. Text that does not fit
/// is cut, ending in "..." so that a reader sees it was; a NUL written into
/// it is shown as `\0`, so the C string is never cut short.
pub struct StackText<const N: usize> {
    bytes: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> StackText<N> {
    pub const fn new() -> Self {
        assert!(
            N > ELLIPSIS.len(),
            "a StackText must hold more than its ellipsis"
        );
        StackText {
            bytes: [0; N],
            len: 0,
            truncated: false,
        }
    }

    /// The text formatted from `args`, cut to fit.
    pub fn format(args: fmt::Arguments<'_>) -> Self {
        let mut text = Self::new();
        // Writing never fails: what does not fit is cut.
        let _ = fmt::Write::write_fmt(&mut text, args);
        text
    }

    pub fn as_str(&self) -> &str {
        // Only whole `str`s are pushed, and a cut never splits a character.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    pub fn as_c_str(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.bytes).unwrap_or_default()
    }

    pub fn as_ptr(&self) -> *const c_char {
        self.as_c_str().as_ptr()
    }

    /// Bytes left for text, keeping room for the ellipsis and the NUL.
    fn room(&self) -> usize {
        N - 1 - ELLIPSIS.len() - self.len
    }

    fn push(&mut self, piece: &str) {
        if self.truncated {
            return;
        }
        let mut end = piece.len().min(self.room());
        if end < piece.len() {
            while !piece.is_char_boundary(end) {
                end -= 1;
            }
        }
        self.bytes[self.len..self.len + end].copy_from_slice(&piece.as_bytes()[..end]);
        self.len += end;
        if end < piece.len() {
            self.bytes[self.len..self.len + ELLIPSIS.len()].copy_from_slice(ELLIPSIS);
            self.len += ELLIPSIS.len();
            self.truncated = true;
        }
        self.bytes[self.len] = 0;
    }
}

impl<const N: usize> Default for StackText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for StackText<N> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut pieces = text.split('\0');
        if let Some(first) = pieces.next() {
            self.push(first);
        }
        for piece in pieces {
            self.push("\\0");
            self.push(piece);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_kept_whole_and_nul_terminated() {
        let text = StackText::<32>::format(format_args!("{} = {}", "a", 42));
        assert_eq!(text.as_str(), "a = 42");
        assert_eq!(text.as_c_str().to_bytes(), b"a = 42");
    }

    #[test]
    fn text_that_does_not_fit_is_cut_with_an_ellipsis() {
        let text = StackText::<12>::format(format_args!("{}", "abcdefghijklmnop"));
        assert_eq!(text.as_str(), "abcdefgh...");
        assert_eq!(text.as_c_str().to_bytes().len(), 11);
        // Nothing more is taken once it was cut.
        let mut text = text;
        fmt::Write::write_str(&mut text, "more").unwrap();
        assert_eq!(text.as_str(), "abcdefgh...");
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let text = StackText::<12>::format(format_args!("abcdefg\u{e9}\u{e9}"));
        assert_eq!(text.as_str(), "abcdefg...");
    }

    #[test]
    fn nul_bytes_are_shown_escaped() {
        let text = StackText::<32>::format(format_args!("a{}b", '\0'));
        assert_eq!(text.as_str(), "a\\0b");
        assert_eq!(text.as_c_str().to_bytes(), b"a\\0b");
    }
}
