//! PHP's lock around the process environment in a thread-safe (ZTS) build.
//!
//! libc's environment functions are not thread-safe, so in a ZTS build PHP's
//! own `getenv()`, `putenv()` (and its undoing at the end of the request) and
//! the import into `$_SERVER` and `$_ENV` take `tsrm_env_lock()`. aws_env's
//! reads from a request thread must take it too, or a `putenv()` in another
//! thread can move or free what they read. A non-thread-safe build has no
//! such lock, and no other thread to fear.

#[cfg(php_zts)]
// Declared by hand from TSRM/TSRM.h (PHP 8.0 to 8.4), exported by ZTS builds only.
unsafe extern "C" {
    fn tsrm_env_lock();
    fn tsrm_env_unlock();
}

/// Holds PHP's environment lock until dropped. Nothing that takes the lock
/// itself (a PHP function reading the environment) may run meanwhile: the
/// lock is not recursive.
pub struct EnvLock {
    _private: (),
}

impl EnvLock {
    pub fn acquire() -> Self {
        // SAFETY: TSRM creates the mutex at start-up, before any module.
        #[cfg(php_zts)]
        unsafe {
            tsrm_env_lock()
        };
        EnvLock { _private: () }
    }
}

impl Drop for EnvLock {
    fn drop(&mut self) {
        // SAFETY: this thread took the lock in `acquire`.
        #[cfg(php_zts)]
        unsafe {
            tsrm_env_unlock()
        };
    }
}
