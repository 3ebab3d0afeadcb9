//! What a php-fpm worker decides and checks for itself, at its first
//! request: its pool's settings, and whether the pool's user can read the
//! token files its environment names. Also the environment as the AWS SDK
//! reads it, for the SDK's verdict in `aws_env_status()` and phpinfo.
//!
//! Everything a warning needs is decided first and formatted on the stack;
//! locks are released and Rust values dropped before the engine is called.

use std::ffi::{CStr, c_char};

use super::env_lock::EnvLock;
use super::state::{self, RequestWork};
use super::{ini, log, master_once};
use crate::capture::CapturedVar;
use crate::credentials::{self, FileCheck, Verdict};
use crate::pool::PoolPolicy;
use crate::process_env::Injector;
use crate::stack_text::StackText;
use crate::token_file;

/// The variables that name a token file, in the SDK's words.
pub const TOKEN_FILE_VARIABLES: [&str; 2] = [
    credentials::WEB_IDENTITY_TOKEN_FILE,
    credentials::AUTHORIZATION_TOKEN_FILE,
];

type LogLine = StackText<2048>;

/// A worker's first request: reads the pool's `php_value[]` and
/// `php_admin_value[]`, which php-fpm applied at fork. Once: nothing a
/// request does later changes what this worker gets (and the settings
/// refuse a FastCGI `PHP_VALUE` or `PHP_ADMIN_VALUE`, see `ini`).
pub fn start_worker() {
    let Some(state) = state::current() else {
        state::set_request_work(RequestWork::Nothing);
        return;
    };
    // The usual pool sets nothing of aws_env's: compared in place, its
    // settings need no copy.
    let pool = if ini::written_after_startup() {
        ini::read_if_other_than(&state.runtime.settings)
    } else {
        None
    };
    let Some(pool) = pool else {
        state.set_pool(None);
        let work = if state.pool().is_some_and(PoolPolicy::grants_any) {
            RequestWork::Inject
        } else {
            RequestWork::Nothing
        };
        state::set_request_work(work);
        return;
    };
    let policy = PoolPolicy::resolve(&state.runtime, &pool);
    let mut installed = true;
    if policy.narrowed {
        let granted: Vec<CapturedVar> = state
            .runtime
            .capture
            .vars
            .iter()
            .enumerate()
            .filter(|(index, _)| policy.grants(*index))
            .map(|(_, var)| var.clone())
            .collect();
        let narrowed = Injector::new(&granted);
        // The master's injector never injected in this process: dropping
        // it touches no environment.
        installed = state
            .try_with_injector(|injector| *injector = narrowed)
            .is_some();
    }
    // Fail closed: a worker whose narrowed injector could not be put in
    // place gets nothing rather than more than its pool allows.
    let work = if installed && policy.grants_any() {
        RequestWork::Inject
    } else {
        RequestWork::Nothing
    };
    state.set_pool(Some(policy));
    state::set_request_work(work);
}

/// After the first request's injection: warnings about the pool's settings
/// and its token files, each logged once per master (see [`master_once`]).
pub fn check_worker() {
    let Some(state) = state::current() else {
        return;
    };
    if let Some(policy) = state.pool() {
        warn_about_pool(policy);
    }
    for variable in TOKEN_FILE_VARIABLES {
        if let Some(line) = token_warning(variable) {
            log_once(&line);
        }
    }
}

fn warn_about_pool(policy: &PoolPolicy) {
    if policy.names.invalid.is_empty() && policy.withheld.is_empty() && !policy.ignored_environ_file
    {
        return;
    }
    let user = UserName::of_this_process();
    for entry in &policy.names.invalid {
        log_once(&LogLine::format(format_args!(
            "aws_env.names of the pool running as {user}: ignoring invalid entry \"{entry}\" \
             (expected a variable name, optionally ending in *)"
        )));
    }
    if !policy.withheld.is_empty() {
        let mut line = LogLine::new();
        let _ = std::fmt::Write::write_fmt(
            &mut line,
            format_args!("aws_env.names of the pool running as {user} asks for "),
        );
        for (i, entry) in policy.withheld.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            let _ = std::fmt::Write::write_fmt(&mut line, format_args!("{separator}{entry}"));
        }
        let _ = std::fmt::Write::write_str(
            &mut line,
            ", which php.ini's aws_env.names does not allow: a pool can only narrow what the \
             master captures; widen the list in php.ini",
        );
        log_once(&line);
    }
    if policy.ignored_environ_file {
        log_once(&LogLine::format(format_args!(
            "aws_env.environ_file set for the pool running as {user} has no effect: only the \
             php-fpm master reads the sources; set it in php.ini"
        )));
    }
}

/// The warning for an unreadable token file, if `variable` names one this
/// process cannot read. The path is the variable's value, so it is not
/// said: the operator finds it in the pod spec.
fn token_warning(variable: &'static str) -> Option<LogLine> {
    let (check, ownership) = {
        let _env = EnvLock::acquire();
        // SAFETY: PHP's environment lock is held while the value is used.
        let path = unsafe { php_getenv(variable) }.filter(|path| !path.is_empty())?;
        let check = token_file::check(path);
        let ownership = match check {
            FileCheck::Unreadable(_) => token_file::ownership(path),
            _ => None,
        };
        (check, ownership)
    };
    let FileCheck::Unreadable(reason) = check else {
        return None;
    };
    let user = UserName::of_this_process();
    // Only now: a line is 2 KiB of stack to clear, which the usual first
    // request, with nothing to say, does not pay for.
    let mut line = LogLine::new();
    let line_ref = &mut line;
    let _ = std::fmt::Write::write_fmt(
        line_ref,
        format_args!(
            "aws_env: the file {variable} names cannot be read by the pool's user {user}: \
             {reason}"
        ),
    );
    if let Some(ownership) = ownership {
        let _ = std::fmt::Write::write_fmt(line_ref, format_args!(" (it is {ownership})"));
    }
    let _ = std::fmt::Write::write_str(
        line_ref,
        "; the AWS SDK will fail to get credentials. Set fsGroup or runAsUser in the pod's \
         securityContext, or make the file readable by that user",
    );
    Some(line)
}

fn log_once(line: &LogLine) {
    if master_once::first_time(line.as_c_str().to_bytes()) {
        log::logged_warning(line.as_c_str());
    }
}

/// Reads a variable as PHP's `getenv()` does, and so as the AWS SDK does:
/// the SAPI's own variables first (php-fpm's FastCGI params, Apache's
/// table), even when empty, then the process environment.
///
/// # Safety
///
/// No other thread may write the environment while the result is in use
/// (PHP's environment lock held in a thread-safe build).
pub unsafe fn php_getenv<'a>(name: &str) -> Option<&'a [u8]> {
    // The name, NUL-terminated on the stack. A name with a NUL inside would
    // only look up its part before the NUL, as C reads it: no check needed.
    let mut buffer = [0u8; 64];
    buffer
        .get_mut(..name.len())?
        .copy_from_slice(name.as_bytes());
    let c_name: *const c_char = buffer.as_ptr().cast();
    // Read straight from the SAPI's module struct: ext-php-rs's accessor
    // takes a lock of its own, which a fresh worker would build first.
    // SAFETY: the SAPI fills `sapi_module` before any module starts, and
    // its `getenv` field is not written afterwards.
    let sapi_getenv = unsafe { ext_php_rs::ffi::sapi_module.getenv };
    if let Some(sapi_getenv) = sapi_getenv {
        // SAFETY: the SAPI's handler takes a name and its length and returns
        // null or a string it owns for the rest of the request (php-fpm's
        // and Apache's return their request's own table entry, and null
        // outside a request); nothing is allocated.
        let value = unsafe { sapi_getenv(c_name, name.len()) };
        if !value.is_null() {
            // SAFETY: as above, NUL-terminated.
            return Some(unsafe { CStr::from_ptr(value) }.to_bytes());
        }
    }
    // SAFETY: the caller keeps other threads from writing the environment.
    let value: *const c_char = unsafe { libc::getenv(c_name) };
    // SAFETY: libc returns null or a NUL-terminated entry's value.
    (!value.is_null()).then(|| unsafe { CStr::from_ptr(value) }.to_bytes())
}

/// The SDK's verdict in this process's environment now, with this
/// process's own check of the token file the provider reads.
fn verdict_here() -> Verdict {
    let _env = EnvLock::acquire();
    credentials::verdict(
        // SAFETY: PHP's environment lock is held until the verdict is made.
        |name| unsafe { php_getenv(name) },
        // SAFETY: as above.
        |variable| match unsafe { php_getenv(variable) } {
            Some(path) => token_file::check(path),
            None => FileCheck::NotChecked,
        },
    )
}

/// At most this many variables or notes in a report; the SDK's longest
/// list has four.
const LIST: usize = 8;

/// A fixed list of static names, with no destructor.
#[derive(Clone, Copy)]
pub struct Names {
    items: [&'static str; LIST],
    len: usize,
}

impl Names {
    fn of(items: &[&'static str]) -> Self {
        let mut names = Names {
            items: [""; LIST],
            len: 0,
        };
        for item in items.iter().take(LIST) {
            names.items[names.len] = item;
            names.len += 1;
        }
        names
    }

    pub fn as_slice(&self) -> &[&'static str] {
        &self.items[..self.len]
    }
}

/// [`Verdict`], on the stack: what reports hand to the engine, with nothing
/// to drop if it bails out.
pub struct VerdictReport {
    pub provider: &'static str,
    pub endpoint: Option<&'static str>,
    pub relies_on: Names,
    pub ok: bool,
    pub why: Option<StackText<512>>,
    pub notes: Names,
    pub summary: StackText<768>,
}

impl VerdictReport {
    fn of(verdict: &Verdict) -> Self {
        let mut summary = StackText::new();
        let _ = verdict.write_summary(&mut summary);
        VerdictReport {
            provider: verdict.provider.key(),
            endpoint: match verdict.provider {
                credentials::Provider::Container(endpoint) => Some(endpoint.key()),
                _ => None,
            },
            relies_on: Names::of(&verdict.relies_on),
            ok: verdict.ok,
            why: verdict
                .why
                .as_deref()
                .map(|why| StackText::format(format_args!("{why}"))),
            notes: Names::of(&verdict.notes),
            summary,
        }
    }
}

/// The SDK's verdict here and now, for `aws_env_status()` and phpinfo.
pub fn verdict_report() -> VerdictReport {
    VerdictReport::of(&verdict_here())
}

/// What a check of one token file found, on the stack.
pub struct TokenFileReport {
    pub variable: &'static str,
    pub readable: bool,
    pub empty: bool,
    pub error: Option<StackText<128>>,
}

/// The token files this process's environment names, each checked as this
/// process's user: for `aws_env_status()`.
pub fn token_file_reports() -> [Option<TokenFileReport>; 2] {
    TOKEN_FILE_VARIABLES.map(|variable| {
        let check = {
            let _env = EnvLock::acquire();
            // SAFETY: PHP's environment lock is held while the value is used.
            let path = unsafe { php_getenv(variable) }.filter(|path| !path.is_empty())?;
            token_file::check(path)
        };
        Some(match check {
            FileCheck::Unreadable(reason) => TokenFileReport {
                variable,
                readable: false,
                empty: false,
                error: Some(StackText::format(format_args!("{reason}"))),
            },
            check => TokenFileReport {
                variable,
                readable: true,
                empty: check == FileCheck::Empty,
                error: None,
            },
        })
    })
}

/// The name of this process's effective user, or its uid.
struct UserName {
    text: StackText<64>,
}

impl UserName {
    fn of_this_process() -> Self {
        // SAFETY: geteuid cannot fail.
        let uid = unsafe { libc::geteuid() };
        let mut buffer = [0 as c_char; 1024];
        // SAFETY: zeroed bytes are a valid `passwd` (null pointers, zeros).
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is to a live local of the stated size.
        let status = unsafe {
            libc::getpwuid_r(
                uid,
                &raw mut entry,
                buffer.as_mut_ptr(),
                buffer.len(),
                &raw mut found,
            )
        };
        let text = if status == 0 && !found.is_null() && !entry.pw_name.is_null() {
            // SAFETY: getpwuid_r filled `entry`, whose name points into
            // `buffer`, NUL-terminated.
            let name = unsafe { CStr::from_ptr(entry.pw_name) }.to_string_lossy();
            StackText::format(format_args!("{name} (uid {uid})"))
        } else {
            StackText::format(format_args!("uid {uid}"))
        };
        UserName { text }
    }
}

impl std::fmt::Display for UserName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text.as_str())
    }
}
