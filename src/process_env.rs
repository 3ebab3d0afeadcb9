//! The process environment: read once at start-up, written when injecting.
//!
//! This is the one module that writes the environment, which libc does not
//! synchronise: see the safety contract of [`inject_missing`].

use std::collections::HashSet;
use std::ffi::{CStr, OsStr, c_char};
use std::os::unix::ffi::OsStrExt;

use crate::capture::CapturedVar;

/// The current environment in environ format, so that it goes through the
/// same parser as a file source.
///
/// It reads the `environ` that libc's `getenv()` and `setenv()` use, not the
/// one `std::env::vars_os()` reads. Upstream PHP loads extensions with
/// `RTLD_DEEPBIND`, which binds this library's `environ` to libc's own
/// definition; but an executable with a copy relocation of `environ` (as the
/// `php` and `php-fpm` built from PHP's sources have) holds the live one, and
/// libc's own definition then stays empty for the life of the process.
pub fn environ_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    let environ = live_environ();
    if environ.is_null() {
        return bytes;
    }
    // SAFETY: `environ` is a NULL-terminated array of NUL-terminated strings,
    // and callers run where nothing writes the environment meanwhile (module
    // start-up); each entry is copied at once.
    unsafe {
        let mut cursor = environ;
        while !(*cursor).is_null() {
            bytes.extend_from_slice(CStr::from_ptr(*cursor).to_bytes());
            bytes.push(0);
            cursor = cursor.add(1);
        }
    }
    bytes
}

/// The `environ` array that the global symbol scope, which libc's own
/// references were bound through, resolves to: the executable's copy if it
/// has one, else libc's. Null if it cannot be found.
fn live_environ() -> *const *const c_char {
    // SAFETY: dlopen(NULL) returns the main program's handle, whose lookup
    // order is the global scope (the executable, then its libraries). The
    // handle is left open: the main program is never unloaded anyway.
    unsafe {
        let program = libc::dlopen(std::ptr::null(), libc::RTLD_LAZY);
        if program.is_null() {
            return std::ptr::null();
        }
        let symbol = libc::dlsym(program, c"environ".as_ptr());
        if symbol.is_null() {
            return std::ptr::null();
        }
        *symbol.cast::<*const *const c_char>()
    }
}

fn has_value(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|value| !value.is_empty())
}

/// Sets each captured variable that the environment lacks or holds empty, and
/// records its name in `injected`. A non-empty value is left alone: it came
/// from the pool's `env[]`, the FastCGI-independent environment the user chose.
///
/// # Safety
///
/// No other thread may read or write the environment during the call: at
/// module start-up, or in a php-fpm worker, which serves one request at a time.
pub unsafe fn inject_missing(vars: &[CapturedVar], injected: &mut HashSet<String>) {
    for var in vars {
        if has_value(&var.name) {
            continue;
        }
        // SAFETY: the caller guarantees no concurrent environment access; the
        // name is a valid variable name and the value holds no NUL (both come
        // from the environ parser), so `set_var` has nothing to reject.
        unsafe { std::env::set_var(&var.name, OsStr::from_bytes(&var.value)) };
        injected.insert(var.name.clone());
    }
}

/// Where a captured variable stands in this process's environment now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarState {
    /// aws_env put it there.
    Injected,
    /// The process already had a non-empty value, which was kept.
    Kept,
    /// Not in the environment (yet): before the first request of a php-fpm
    /// worker, or in the master.
    Absent,
}

impl VarState {
    pub fn of(name: &str, injected: &HashSet<String>) -> Self {
        if !has_value(name) {
            VarState::Absent
        } else if injected.contains(name) {
            VarState::Injected
        } else {
            VarState::Kept
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            VarState::Injected => "injected",
            VarState::Kept => "kept",
            VarState::Absent => "absent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::SourceKind;

    fn var(name: &str, value: &[u8]) -> CapturedVar {
        CapturedVar {
            name: name.to_owned(),
            value: value.to_vec(),
            source: SourceKind::File,
        }
    }

    // One test owns every variable it touches, with a name no other test uses,
    // because the test harness runs tests on several threads.
    #[test]
    fn injects_missing_and_empty_keeps_non_empty_and_reports_states() {
        let (missing, empty, present) = (
            "AWS_ENV_TEST_MISSING",
            "AWS_ENV_TEST_EMPTY",
            "AWS_ENV_TEST_PRESENT",
        );
        // SAFETY: these names are used by this test only, and no other test
        // writes the environment.
        unsafe {
            std::env::remove_var(missing);
            std::env::set_var(empty, "");
            std::env::set_var(present, "pool-value");
        }
        let vars = [
            var(missing, b"captured-\xff"),
            var(empty, b"captured-empty"),
            var(present, b"captured-present"),
        ];
        let mut injected = HashSet::new();
        // SAFETY: as above.
        unsafe { inject_missing(&vars, &mut injected) };

        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
        assert_eq!(std::env::var_os(empty).unwrap(), "captured-empty");
        assert_eq!(std::env::var_os(present).unwrap(), "pool-value");
        assert_eq!(VarState::of(missing, &injected), VarState::Injected);
        assert_eq!(VarState::of(empty, &injected), VarState::Injected);
        assert_eq!(VarState::of(present, &injected), VarState::Kept);
        assert_eq!(
            VarState::of("AWS_ENV_TEST_NEVER_SET", &injected),
            VarState::Absent
        );
        assert!(
            environ_bytes()
                .split(|b| *b == 0)
                .any(|entry| entry == b"AWS_ENV_TEST_PRESENT=pool-value")
        );
    }
}
