//! Messages to PHP's own channels. Callers pass names and sources, never a
//! captured value, already formatted on the stack ([`StackText`]): the
//! engine may bail out of these calls, and nothing of aws_env's may then be
//! waiting to be freed.
//!
//! [`StackText`]: crate::stack_text::StackText

use std::ffi::{CStr, c_char, c_int};

use ext_php_rs::ffi::{E_WARNING, php_error_docref};

// Declared by hand from main/php.h (PHP 8.2 to 8.4): not in ext-php-rs's
// generated bindings.
unsafe extern "C" {
    fn php_log_err_with_severity(message: *const c_char, syslog_type: c_int);
}

/// syslog's LOG_NOTICE, the severity `php_log_err()` uses.
const LOG_NOTICE: c_int = 5;
/// syslog's LOG_WARNING.
const LOG_WARNING: c_int = 4;

/// A line in the SAPI's log: for php-fpm, the master's error log stream.
pub fn notice(message: &CStr) {
    // SAFETY: the pointer is a NUL-terminated string valid for the call.
    unsafe { php_log_err_with_severity(message.as_ptr(), LOG_NOTICE) };
}

/// A warning for the log alone, never shown in a response: what a php-fpm
/// worker finds at the start of a request (with `catch_workers_output`, as
/// the official images set it, it reaches php-fpm's own log).
pub fn logged_warning(message: &CStr) {
    // SAFETY: the pointer is a NUL-terminated string valid for the call.
    unsafe { php_log_err_with_severity(message.as_ptr(), LOG_WARNING) };
}

/// A warning, shown and logged the way PHP shows its own.
pub fn warning(message: &CStr) {
    // SAFETY: "%s" consumes exactly the one NUL-terminated string passed, so
    // no format directive inside the message is ever interpreted.
    unsafe {
        php_error_docref(
            std::ptr::null(),
            E_WARNING as c_int,
            c"%s".as_ptr(),
            message.as_ptr(),
        );
    }
}
