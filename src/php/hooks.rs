//! The engine's entry points: module start-up and shut-down, and the start
//! of every request. Each body runs under [`guarded`], so that no panic
//! reaches PHP.

use std::ffi::{CStr, c_int};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use ext_php_rs::ffi::MODULE_PERSISTENT;
use ext_php_rs::zend::SapiModule;

use super::state::{self, ModuleState, RequestWork, guarded};
use super::{ini, log, master_once, server_vars, worker};
use crate::process_env::{self, Injector};
use crate::runtime::{FPM_SAPI, Injection, Runtime};
use crate::stack_text::StackText;

const SUCCESS: i32 = 0;

/// At most this many malformed `aws_env.names` entries get a warning each;
/// the rest are counted in one more, so a bad 64 KiB line stays readable.
const MAX_NAME_WARNINGS: usize = 16;

/// MINIT: in php-fpm this is the master, before it forks, clears the
/// workers' environment and switches to the pool user: the one moment when
/// both sources can be read.
pub fn module_startup(kind: i32, module_number: i32) -> i32 {
    ini::register(module_number);
    guarded("module start-up", SUCCESS, || {
        start(kind);
        SUCCESS
    })
}

/// The longest log line aws_env writes; php-fpm cuts its log lines at
/// `log_limit` (1024 bytes by default) anyway.
type LogLine = StackText<4096>;

fn start(kind: i32) {
    // Everything is decided before anything is said: once the state is
    // published, the messages only borrow it, so a bailout out of a log call
    // leaves nothing behind.
    let sapi = sapi_name();
    let runtime = Runtime::start(ini::read(), &sapi, &process_env::environ_bytes());
    let injector = Injector::new(&runtime.capture.vars);
    let state = state::publish(ModuleState::new(sapi, runtime, injector));
    let every_request = state.runtime.injection == Injection::EveryRequest;
    if !every_request {
        // SAFETY: MINIT runs before the SAPI starts any request or thread.
        state.with_injector(|injector| unsafe { injector.inject_missing() });
    }
    // A module that dl() loaded is unloaded when its request ends: a hook
    // left behind in the SAPI would then point at unmapped code.
    if every_request && kind == MODULE_PERSISTENT.cast_signed() {
        // php-fpm: the master forks the workers, and each reads its pool's
        // settings at its first request.
        master_once::create();
        state::set_request_work(RequestWork::FirstOfWorker);
        install_request_hook();
    } else {
        state::set_request_work(RequestWork::Nothing);
    }
    server_vars::install(kind, state);

    warn_about_invalid_names(&state.runtime.names.invalid);
    if state.sapi == FPM_SAPI {
        let mut line = LogLine::new();
        let _ = state.runtime.write_startup_line(&mut line);
        log::notice(line.as_c_str());
    }
}

fn warn_about_invalid_names(invalid: &[String]) {
    for entry in invalid.iter().take(MAX_NAME_WARNINGS) {
        log::warning(
            LogLine::format(format_args!(
                "aws_env.names: ignoring invalid entry \"{entry}\" (expected a variable name, \
                 optionally ending in *)"
            ))
            .as_c_str(),
        );
    }
    if invalid.len() > MAX_NAME_WARNINGS {
        log::warning(
            LogLine::format(format_args!(
                "aws_env.names: ignoring {} more invalid entries",
                invalid.len() - MAX_NAME_WARNINGS
            ))
            .as_c_str(),
        );
    }
}

fn sapi_name() -> String {
    let module = SapiModule::get();
    if module.name.is_null() {
        return String::new();
    }
    // SAFETY: a SAPI's name is a static NUL-terminated string.
    unsafe { CStr::from_ptr(module.name) }
        .to_string_lossy()
        .into_owned()
}

/// MSHUTDOWN. The environment keeps what was injected: the process is ending,
/// and other code may still hold pointers into it.
///
/// A persistent module shuts down only with the engine: just before the
/// process exits (every php-fpm worker, at the end of its life), or before
/// an embedding SAPI starts the engine afresh. Freeing the state then is
/// work for nothing, a third of what aws_env cost a fresh php-fpm worker:
/// the next MINIT, if any, replaces the state and frees the old one, and
/// the state stays reachable from its static meanwhile. A module that dl()
/// loaded shuts down at the end of its request, in an engine that goes on,
/// so it frees the state.
pub extern "C" fn module_shutdown(kind: i32, module_number: i32) -> i32 {
    guarded("module shut-down", SUCCESS, || {
        uninstall_request_hook();
        server_vars::uninstall();
        state::set_request_work(RequestWork::Nothing);
        if kind != MODULE_PERSISTENT.cast_signed() {
            state::retire();
        }
        ini::unregister(module_number);
        SUCCESS
    })
}

type Activate = unsafe extern "C" fn() -> c_int;

/// The SAPI's own `sapi_module.activate` (or the hook of an extension that
/// started earlier), which [`request_activate`] replaces and always calls.
static CHAINED_ACTIVATE: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// Puts [`request_activate`] in `sapi_module.activate`, chaining to the
/// handler it replaces. A hand-made hook rather than ext-php-rs's
/// `sapi_activate_function`: that one runs its callback inside a
/// `zend_try` and copies the request info on every request, which measured
/// at about 1.5 % of a php-fpm hello-world request's CPU (BENCHMARKS.md),
/// and aws_env's check calls nothing in the engine that could bail out.
fn install_request_hook() {
    let ours: Activate = request_activate;
    let mut module = SapiModule::get_mut();
    let current = module.activate;
    if current.is_some_and(|current| ptr::fn_addr_eq(current, ours)) {
        return;
    }
    let chained = current.map_or(ptr::null_mut(), |chained| chained as *mut ());
    CHAINED_ACTIVATE.store(chained, Ordering::Release);
    module.activate = Some(ours);
}

/// Puts back the handler [`install_request_hook`] replaced, if the hook is
/// still the current one. An extension that wrapped it later shuts down
/// first (the engine shuts modules down in reverse order) and puts this hook
/// back before this runs.
fn uninstall_request_hook() {
    let ours: Activate = request_activate;
    let mut module = SapiModule::get_mut();
    if module
        .activate
        .is_some_and(|current| ptr::fn_addr_eq(current, ours))
    {
        module.activate = chained_activate();
        CHAINED_ACTIVATE.store(ptr::null_mut(), Ordering::Release);
    }
}

fn chained_activate() -> Option<Activate> {
    let chained = CHAINED_ACTIVATE.load(Ordering::Acquire);
    // SAFETY: CHAINED_ACTIVATE holds null or an `Activate` that
    // `install_request_hook` stored; function pointers are pointer-sized.
    (!chained.is_null()).then(|| unsafe { std::mem::transmute::<*mut (), Activate>(chained) })
}

/// The start of every request in php-fpm, from `sapi_module.activate`:
/// before PHP builds `$_SERVER` and `$_ENV` (even with `auto_globals_jit=0`)
/// and before any extension's RINIT, so nothing can see the environment
/// without the captured variables. The chained handler runs first, as it
/// would without aws_env, and its result is the one returned.
///
/// A worker's first request also reads its pool's settings, before it
/// injects, and ends with the worker's checks. (A FastCGI `PHP_VALUE` of the
/// request, applied before this, cannot have changed them: the settings
/// refuse changes during a request.)
unsafe extern "C" fn request_activate() -> c_int {
    // SAFETY: `sapi_activate` would call the chained handler just so.
    let result = chained_activate().map_or(SUCCESS, |chained| unsafe { chained() });
    match state::request_work() {
        RequestWork::Inject => guarded("request start-up", (), inject_for_request),
        RequestWork::FirstOfWorker => first_request_of_worker(),
        RequestWork::Nothing => {}
    }
    result
}

#[cold]
fn first_request_of_worker() {
    guarded("worker start-up", (), worker::start_worker);
    if state::request_work() == RequestWork::Inject {
        guarded("request start-up", (), inject_for_request);
    }
    guarded("worker checks", (), worker::check_worker);
}

/// Said once per process: the injector was busy at the start of a request.
static WARNED_BUSY: AtomicBool = AtomicBool::new(false);

fn inject_for_request() {
    let Some(state) = state::current() else {
        return;
    };
    // SAFETY: only php-fpm injects per request, and a php-fpm worker serves
    // one request at a time on one thread.
    let injected = state.try_with_injector(|injector| unsafe { injector.inject_missing() });
    // The lock is released by now: the warning may call into the engine.
    if injected.is_none() && !WARNED_BUSY.swap(true, Ordering::Relaxed) {
        log::warning(
            c"aws_env: the injector was busy at the start of a request, so this request's \
              environment was not checked; please report this as a bug",
        );
    }
}
