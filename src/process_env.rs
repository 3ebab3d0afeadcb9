//! The process environment: read once at start-up, written when injecting.
//!
//! This is the one module that writes the environment, which libc does not
//! synchronise: see the safety contract of [`Injector::inject_missing`].

use std::ffi::{CStr, CString, c_char};

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
    // SAFETY: callers run where nothing writes the environment meanwhile
    // (module start-up), and each entry is copied at once.
    for entry in unsafe { entries(live_environ()) } {
        // SAFETY: every entry of the array is a NUL-terminated string.
        bytes.extend_from_slice(unsafe { CStr::from_ptr(entry) }.to_bytes());
        bytes.push(0);
    }
    bytes
}

/// The entry pointers of an environ array, up to its NULL terminator; none
/// for a null array (after `clearenv()`).
///
/// # Safety
///
/// `array` is null or a NULL-terminated array that nothing writes while the
/// iterator is in use.
unsafe fn entries(array: *const *const c_char) -> impl Iterator<Item = *const c_char> {
    let mut cursor = array;
    std::iter::from_fn(move || {
        if cursor.is_null() {
            return None;
        }
        // SAFETY: the caller guarantees a NULL-terminated array, and the
        // cursor never moves past its terminator.
        let entry = unsafe { *cursor };
        if entry.is_null() {
            cursor = std::ptr::null();
            return None;
        }
        // SAFETY: `entry` was not the terminator, so the next slot exists.
        cursor = unsafe { cursor.add(1) };
        Some(entry)
    })
}

/// The `environ` array that the global symbol scope, which libc's own
/// references were bound through, resolves to: the executable's copy if it
/// has one, else libc's. Null if it cannot be found.
fn live_environ() -> *const *const c_char {
    environ_in(environ_slot())
}

/// The array `slot` (from [`environ_slot`]) points to now; null if `slot` is.
fn environ_in(slot: *const *const *const c_char) -> *const *const c_char {
    if slot.is_null() {
        return std::ptr::null();
    }
    // SAFETY: a non-null slot is the address of the `environ` variable
    // itself, which lives as long as the program.
    unsafe { *slot }
}

/// The address of that `environ` variable. It never moves, so it can be
/// looked up once; the array it points to changes as variables are added.
fn environ_slot() -> *const *const *const c_char {
    // SAFETY: dlopen(NULL) returns the main program's handle, whose lookup
    // order is the global scope (the executable, then its libraries). The
    // handle is left open: the main program is never unloaded anyway.
    unsafe {
        let program = libc::dlopen(std::ptr::null(), libc::RTLD_LAZY);
        if program.is_null() {
            return std::ptr::null();
        }
        libc::dlsym(program, c"environ".as_ptr()).cast()
    }
}

/// The environment as it stood after the last check: the array's address
/// and its entry pointers, as addresses (so the state stays `Send`).
///
/// If both are unchanged, so is the environment: libc's `setenv` never
/// frees or rewrites the strings it made, and PHP's `putenv()` swaps its own
/// strings back out at the end of each request, before the next check.
#[derive(Default)]
struct EnvironSnapshot {
    array: usize,
    entries: Vec<usize>,
}

impl EnvironSnapshot {
    /// # Safety
    ///
    /// `array` is null or a NULL-terminated array, not written meanwhile.
    unsafe fn matches(&self, array: *const *const c_char) -> bool {
        array as usize == self.array
            && !array.is_null()
            // SAFETY: as the caller guarantees.
            && unsafe { entries(array) }
                .map(|entry| entry as usize)
                .eq(self.entries.iter().copied())
    }

    /// # Safety
    ///
    /// As for [`Self::matches`].
    unsafe fn take(&mut self, array: *const *const c_char) {
        self.array = array as usize;
        self.entries.clear();
        // SAFETY: as the caller guarantees.
        self.entries
            .extend(unsafe { entries(array) }.map(|entry| entry as usize));
    }
}

/// The captured variables as C strings, made once at start-up (in php-fpm:
/// in the master, so every worker inherits them), so that injecting on every
/// request neither allocates nor copies: it asks libc for each name and sets
/// only what is missing.
pub struct Injector {
    vars: Vec<PreparedVar>,
    /// The address of `environ`, as an address; 0 if it was not found.
    environ_slot: usize,
    /// The environment after the last injection, to skip the next check
    /// when nothing changed, as between the requests of a php-fpm worker.
    after_last_check: EnvironSnapshot,
}

struct PreparedVar {
    name: CString,
    value: CString,
    /// aws_env set it in this process.
    injected: bool,
}

impl Injector {
    /// Every captured variable can be prepared: the environ parser gives
    /// names of `[A-Za-z0-9_]` and values without NUL. One that could not be
    /// is left out rather than set wrong.
    pub fn new(vars: &[CapturedVar]) -> Self {
        let vars = vars
            .iter()
            .filter_map(|var| {
                Some(PreparedVar {
                    name: CString::new(var.name.as_bytes()).ok()?,
                    value: CString::new(var.value.as_slice()).ok()?,
                    injected: false,
                })
            })
            .collect();
        Injector {
            vars,
            environ_slot: environ_slot() as usize,
            after_last_check: EnvironSnapshot::default(),
        }
    }

    fn environ_array(&self) -> *const *const c_char {
        environ_in(self.environ_slot as *const *const *const c_char)
    }

    /// Sets each captured variable that the environment lacks or holds
    /// empty. A non-empty value is left alone: it came from the pool's
    /// `env[]`, the FastCGI-independent environment the user chose.
    ///
    /// # Safety
    ///
    /// No other thread may read or write the environment during the call: at
    /// module start-up, or in a php-fpm worker, which serves one request at a
    /// time.
    pub unsafe fn inject_missing(&mut self) {
        let before = self.environ_array();
        // SAFETY: the caller guarantees no concurrent environment access.
        if unsafe { self.after_last_check.matches(before) } {
            return;
        }
        for var in &mut self.vars {
            // SAFETY: the caller guarantees no concurrent environment access.
            if unsafe { has_value(&var.name) } {
                continue;
            }
            // SAFETY: as above; both strings are NUL-terminated, and setenv
            // copies them. It fails only when out of memory, which leaves
            // the variable absent, as `aws_env_status()` will then say.
            if unsafe { libc::setenv(var.name.as_ptr(), var.value.as_ptr(), 1) } == 0 {
                var.injected = true;
            }
        }
        let after = self.environ_array();
        // SAFETY: as above.
        unsafe { self.after_last_check.take(after) };
    }

    /// Where the captured variable `name` stands in the environment now.
    ///
    /// # Safety
    ///
    /// No other thread may write the environment during the call.
    pub unsafe fn state_of(&self, name: &str) -> VarState {
        let Some(var) = self
            .vars
            .iter()
            .find(|var| var.name.as_bytes() == name.as_bytes())
        else {
            return VarState::Absent;
        };
        // SAFETY: the caller guarantees no concurrent environment writes.
        if !unsafe { has_value(&var.name) } {
            VarState::Absent
        } else if var.injected {
            VarState::Injected
        } else {
            VarState::Kept
        }
    }
}

/// Whether the environment holds `name` with a non-empty value, without
/// copying it.
///
/// # Safety
///
/// No other thread may write the environment during the call.
unsafe fn has_value(name: &CStr) -> bool {
    // SAFETY: `name` is NUL-terminated; getenv returns null or a pointer to
    // a NUL-terminated value that stays valid while nothing writes the
    // environment, and only its first byte is read.
    unsafe {
        let value = libc::getenv(name.as_ptr());
        !value.is_null() && *value != 0
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
    use std::os::unix::ffi::OsStrExt;

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
        let mut injector = Injector::new(&[
            var(missing, b"captured-\xff"),
            var(empty, b"captured-empty"),
            var(present, b"captured-present"),
        ]);
        // SAFETY: as above.
        unsafe { injector.inject_missing() };

        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
        assert_eq!(std::env::var_os(empty).unwrap(), "captured-empty");
        assert_eq!(std::env::var_os(present).unwrap(), "pool-value");
        // SAFETY: as above.
        unsafe {
            assert_eq!(injector.state_of(missing), VarState::Injected);
            assert_eq!(injector.state_of(empty), VarState::Injected);
            assert_eq!(injector.state_of(present), VarState::Kept);
            assert_eq!(
                injector.state_of("AWS_ENV_TEST_NEVER_SET"),
                VarState::Absent
            );
        }
        assert!(
            environ_bytes()
                .split(|b| *b == 0)
                .any(|entry| entry == b"AWS_ENV_TEST_PRESENT=pool-value")
        );

        // Something emptied one in place (same array, another string in
        // its slot): a later request sees the change and injects it again.
        // SAFETY: as above.
        unsafe {
            std::env::set_var(missing, "");
            injector.inject_missing();
        }
        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );

        // A later request after something removed one: injected again.
        // SAFETY: as above.
        unsafe {
            std::env::remove_var(missing);
            assert_eq!(injector.state_of(missing), VarState::Absent);
            injector.inject_missing();
        }
        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
    }
}
