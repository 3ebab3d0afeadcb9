//! The module's process-wide state: what MINIT decided, published once and
//! read without a lock, and the injector behind a lock of its own.
//!
//! The engine may `longjmp` over any Rust frame that calls into it (a fatal
//! error, `memory_limit`, an aborted connection), and a lock guard in such a
//! frame would never be released: every later request of that php-fpm
//! worker would then wait for ever. So nothing here is ever held across a
//! call into the engine: readers borrow the published state, which needs no
//! lock, and the injector's lock is only taken around libc's environment
//! calls. Even so, the request path only tries the lock: a future mistake
//! costs one missed injection and a log line, never a hung worker.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::{Mutex, PoisonError, TryLockError};

use crate::capture::CapturedVar;
use crate::pool::PoolPolicy;
use crate::process_env::Injector;
use crate::runtime::Runtime;
use crate::stack_text::StackText;

pub struct ModuleState {
    pub sapi: String,
    pub runtime: Runtime,
    /// `runtime.names.patterns` as text, made here so that reports only
    /// borrow.
    pub pattern_texts: Vec<String>,
    /// A php-fpm worker's pool settings, read at its first request; null
    /// in the master and in every other SAPI. (Not a `OnceLock`, whose
    /// set-up cost a fresh worker some 400 instructions.)
    pool: AtomicPtr<PoolPolicy>,
    /// The policy of a pool that keeps php.ini's settings, made in the
    /// master so that the usual worker's first request makes nothing.
    unchanged_pool: PoolPolicy,
    injector: Mutex<Injector>,
}

impl ModuleState {
    pub fn new(sapi: String, runtime: Runtime, injector: Injector) -> Self {
        let unchanged_pool = PoolPolicy::whole(&runtime);
        ModuleState {
            sapi,
            pattern_texts: runtime
                .names
                .patterns
                .iter()
                .map(ToString::to_string)
                .collect(),
            runtime,
            pool: AtomicPtr::new(ptr::null_mut()),
            unchanged_pool,
            injector: Mutex::new(injector),
        }
    }

    /// This worker's pool policy, once its first request has read it.
    pub fn pool(&self) -> Option<&PoolPolicy> {
        // SAFETY: null, or the policy `set_pool` leaked, which lives as long
        // as the process (it is never freed or replaced).
        unsafe { self.pool.load(Ordering::Acquire).as_ref() }
    }

    /// Records the pool policy of this worker, once, at its first request:
    /// `None` for a pool that keeps php.ini's settings. A second call keeps
    /// the first policy. A policy is never freed: a worker keeps it until it
    /// exits.
    pub fn set_pool(&self, policy: Option<PoolPolicy>) {
        let policy = match policy {
            Some(policy) => Box::into_raw(Box::new(policy)),
            None => ptr::from_ref(&self.unchanged_pool).cast_mut(),
        };
        let published = self
            .pool
            .compare_exchange(ptr::null_mut(), policy, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if !published && !ptr::eq(policy, &self.unchanged_pool) {
            // SAFETY: `policy` came from `Box::into_raw` above and was not
            // published.
            drop(unsafe { Box::from_raw(policy) });
        }
    }

    /// Whether this process gets aws_env's variables at all: the master's
    /// `aws_env.enabled`, and in a php-fpm worker its pool's too.
    pub fn enabled(&self) -> bool {
        self.pool()
            .map_or(self.runtime.settings.enabled, |pool| pool.enabled)
    }

    /// The captured variables this process gets: all of them, except in a
    /// php-fpm worker whose pool narrows the list.
    pub fn granted_vars(&self) -> impl Iterator<Item = &CapturedVar> {
        let pool = self.pool();
        self.runtime
            .capture
            .vars
            .iter()
            .enumerate()
            .filter(move |(index, _)| pool.is_none_or(|pool| pool.grants(*index)))
            .map(|(_, var)| var)
    }

    /// Runs `work` with the injector, unless its lock is held: then `None`,
    /// at once. `work` must not call into the engine. A poisoned lock is
    /// taken all the same: the injector's data stays consistent whatever a
    /// panic interrupted (a flag per variable and a snapshot of pointers).
    pub fn try_with_injector<T>(&self, work: impl FnOnce(&mut Injector) -> T) -> Option<T> {
        let mut injector = match self.injector.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        Some(work(&mut injector))
    }

    /// As [`Self::try_with_injector`], but waits for the lock: for module
    /// start-up only, before any request or thread exists.
    pub fn with_injector<T>(&self, work: impl FnOnce(&mut Injector) -> T) -> T {
        work(&mut self.injector.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The state MINIT published, or null before MINIT and after MSHUTDOWN.
static STATE: AtomicPtr<ModuleState> = AtomicPtr::new(ptr::null_mut());

/// What the start of a request has to do: read on every request, so that
/// SAPIs which inject at start-up pay one atomic load and nothing else.
static REQUEST_WORK: AtomicU8 = AtomicU8::new(RequestWork::Nothing as u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum RequestWork {
    /// Injected at start-up, or a php-fpm pool that gets nothing.
    Nothing = 0,
    /// A php-fpm worker (or the master, which forks them) before its first
    /// request: read the pool's settings, then inject.
    FirstOfWorker = 1,
    /// Check the environment and inject what it lacks.
    Inject = 2,
}

/// Publishes what MINIT decided. A state left from an earlier start-up in
/// this process (a SAPI that restarts the engine) is replaced and freed.
pub fn publish(state: ModuleState) -> &'static ModuleState {
    let fresh = Box::into_raw(Box::new(state));
    let earlier = STATE.swap(fresh, Ordering::AcqRel);
    if !earlier.is_null() {
        // SAFETY: `earlier` came from `Box::into_raw` in an earlier call,
        // and MINIT runs before any request could be reading it.
        drop(unsafe { Box::from_raw(earlier) });
    }
    // SAFETY: just published; it lives until `retire`.
    unsafe { &*fresh }
}

/// The published state. The reference is valid until it is retired or
/// replaced, at MSHUTDOWN or the next MINIT, which the engine runs only
/// when no request runs in any thread.
pub fn current() -> Option<&'static ModuleState> {
    let state = STATE.load(Ordering::Acquire);
    // SAFETY: null or a state published by `publish`, freed only by
    // `retire` at MSHUTDOWN, when no request runs.
    unsafe { state.as_ref() }
}

/// MSHUTDOWN of a module loaded by `dl()`, whose library may be unloaded
/// next: takes the state back and frees it. A persistent module's state is
/// left for the process exit, or for the next `publish` if the SAPI starts
/// the engine again (see `hooks::module_shutdown`).
pub fn retire() {
    let state = STATE.swap(ptr::null_mut(), Ordering::AcqRel);
    if !state.is_null() {
        // SAFETY: it came from `Box::into_raw` in `publish`, and no request
        // runs at MSHUTDOWN.
        drop(unsafe { Box::from_raw(state) });
    }
}

pub fn set_request_work(work: RequestWork) {
    REQUEST_WORK.store(work as u8, Ordering::Release);
}

#[inline]
pub fn request_work() -> RequestWork {
    match REQUEST_WORK.load(Ordering::Acquire) {
        1 => RequestWork::FirstOfWorker,
        2 => RequestWork::Inject,
        _ => RequestWork::Nothing,
    }
}

/// Runs a hook body so that a panic never unwinds into PHP's C frames,
/// which would abort the process: a worker must not die because of aws_env.
pub fn guarded<T>(hook: &str, fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("unknown panic");
            let message: StackText<1024> =
                StackText::format(format_args!("aws_env: internal error in {hook}: {reason}"));
            // The payload is freed before the warning, which calls into the
            // engine.
            drop(payload);
            super::log::warning(message.as_c_str());
            fallback
        }
    }
}
