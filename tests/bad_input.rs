//! The catalogue of bad input (docs/bad-input.md), row by row, through the
//! public core API: one test per row that the pure Rust core decides. The rows
//! that need PHP (warnings, INI handling, permissions as a non-root user) are
//! backed by the phpt suite instead; the catalogue names which test backs what.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use aws_env::capture::{
    Capture, MAX_ENVIRON_FILE_BYTES, OVERWRITTEN_REASON, SourceKind, SourceStatus, Sources,
    capture, read_environ_file,
};
use aws_env::environ::{self, Entry, Skipped};
use aws_env::names::{DEFAULT_NAMES, NameList};
use aws_env::runtime::Runtime;
use aws_env::settings::{Settings, parse_bool};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A private scratch directory, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("aws_env-bad-input-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn defaults() -> NameList {
    NameList::parse(DEFAULT_NAMES.as_bytes())
}

fn names_of<'a>(entries: &'a [Entry<'a>]) -> Vec<&'a str> {
    entries.iter().map(|entry| entry.name).collect()
}

fn skipped(without_equals: usize, invalid_name: usize, duplicate: usize) -> Skipped {
    Skipped {
        without_equals,
        invalid_name,
        duplicate,
    }
}

/// What capture keeps from `file` alone (the process environment empty).
fn capture_file(file: &Path) -> Capture {
    capture(
        &defaults(),
        &Sources {
            process_environ: b"",
            environ_file: Some(file),
        },
    )
}

/// The file source's status and error for `path`.
fn file_outcome(path: &Path) -> (SourceStatus, Option<String>) {
    let source = &capture_file(path).sources[1];
    (source.status, source.error.clone())
}

// ---------------------------------------------------------------------------
// Environ entries
// ---------------------------------------------------------------------------

#[test]
fn entry_without_equals_is_skipped_and_counted() {
    let parsed = environ::parse(b"AWS_REGION\0AWS_ROLE_ARN=arn\0");
    assert_eq!(names_of(&parsed.entries), ["AWS_ROLE_ARN"]);
    assert_eq!(parsed.skipped, skipped(1, 0, 0));
}

#[test]
fn empty_name_is_skipped_as_an_invalid_name() {
    let parsed = environ::parse(b"=value\0=\0AWS_REGION=r\0");
    assert_eq!(names_of(&parsed.entries), ["AWS_REGION"]);
    assert_eq!(parsed.skipped, skipped(0, 2, 0));
}

#[test]
fn leading_equals_before_a_name_is_skipped_as_an_invalid_name() {
    // `=C:=C:\` is how Windows shells keep per-drive directories; here it
    // and `=AWS_REGION=x` have an empty name, not the name after the `=`.
    let parsed = environ::parse(b"=C:=C:\\\0=AWS_REGION=x\0");
    assert!(parsed.entries.is_empty());
    assert_eq!(parsed.skipped, skipped(0, 2, 0));
    let captured = capture(
        &defaults(),
        &Sources {
            process_environ: b"=AWS_REGION=x\0",
            environ_file: None,
        },
    );
    assert!(captured.vars.is_empty());
}

#[test]
fn name_with_invalid_bytes_is_skipped() {
    let bad: [&[u8]; 10] = [
        b"1AWS=x",
        b"AWS-REGION=x",
        b"AWS REGION=x",
        b"AWS.REGION=x",
        b"AWS_REGION*=x",
        b"AWS_R\xc3\x89GION=x",
        b"AWS_REGION\xff=x",
        b"AWS_REGION\x01=x",
        b"AWS_REGION\n=x",
        b" AWS_REGION=x",
    ];
    let mut input = Vec::new();
    for entry in bad {
        input.extend_from_slice(entry);
        input.push(0);
    }
    let parsed = environ::parse(&input);
    assert!(parsed.entries.is_empty(), "{:?}", names_of(&parsed.entries));
    assert_eq!(parsed.skipped, skipped(0, bad.len(), 0));
}

#[test]
fn missing_final_nul_keeps_the_last_entry() {
    let parsed = environ::parse(b"AWS_REGION=r\0AWS_ROLE_ARN=no-final-nul");
    assert_eq!(names_of(&parsed.entries), ["AWS_REGION", "AWS_ROLE_ARN"]);
    assert_eq!(parsed.entries[1].value, b"no-final-nul");
    assert_eq!(parsed.skipped.total(), 0);
}

#[test]
fn only_nuls_hold_nothing_and_skip_nothing() {
    let parsed = environ::parse(&[0u8; 4096]);
    assert!(parsed.entries.is_empty());
    assert_eq!(parsed.skipped.total(), 0);
}

#[test]
fn runs_of_nuls_between_entries_are_not_entries() {
    let parsed = environ::parse(b"\0\0AWS_REGION=r\0\0\0AWS_ROLE_ARN=a\0\0");
    assert_eq!(names_of(&parsed.entries), ["AWS_REGION", "AWS_ROLE_ARN"]);
    assert_eq!(parsed.skipped.total(), 0);
}

#[test]
fn non_utf8_value_is_kept_byte_for_byte() {
    let value = b"\xff\xfe\xc3(\x80=\x01\n\r\t\x7f end";
    let mut input = b"AWS_REGION=".to_vec();
    input.extend_from_slice(value);
    let captured = capture(
        &defaults(),
        &Sources {
            process_environ: &input,
            environ_file: None,
        },
    );
    assert_eq!(captured.vars[0].value, value);
}

#[test]
fn one_mib_value_is_captured_whole() {
    let scratch = Scratch::new("one-mib");
    let value = vec![b'v'; 1024 * 1024];
    let file = scratch.file(
        "environ",
        &environ::format([Entry {
            name: "AWS_ROLE_ARN",
            value: &value,
        }]),
    );
    let captured = capture_file(&file);
    assert_eq!(captured.sources[1].status, SourceStatus::Read);
    assert_eq!(captured.vars.len(), 1);
    assert_eq!(captured.vars[0].value, value);
}

#[test]
fn duplicate_names_first_wins_and_later_ones_are_counted() {
    let parsed = environ::parse(b"AWS_REGION=first\0AWS_REGION=second\0AWS_REGION=third\0");
    assert_eq!(parsed.entries.len(), 1);
    assert_eq!(parsed.entries[0].value, b"first");
    assert_eq!(parsed.skipped, skipped(0, 0, 2));
}

#[test]
fn duplicate_name_whose_first_value_is_empty_is_not_captured_from_that_source() {
    // Like getenv(): the first entry is the variable, and it is empty, which
    // counts as absent. The later non-empty duplicate is not a fallback.
    let captured = capture(
        &defaults(),
        &Sources {
            process_environ: b"AWS_REGION=\0AWS_REGION=second\0",
            environ_file: None,
        },
    );
    assert!(captured.vars.is_empty());
    assert_eq!(captured.sources[0].skipped, skipped(0, 0, 1));
}

#[test]
fn process_environment_wins_over_the_file() {
    // The baseline the empty-value row departs from: the first source that
    // has a name non-empty supplies it.
    let scratch = Scratch::new("precedence");
    let file = scratch.file("environ", b"AWS_REGION=from-file\0AWS_ROLE_ARN=arn-file\0");
    let captured = capture(
        &defaults(),
        &Sources {
            process_environ: b"AWS_REGION=from-process\0",
            environ_file: Some(&file),
        },
    );
    let found: Vec<_> = captured
        .vars
        .iter()
        .map(|var| (var.name.as_str(), var.value.as_slice(), var.source))
        .collect();
    assert_eq!(
        found,
        [
            ("AWS_REGION", &b"from-process"[..], SourceKind::Process),
            ("AWS_ROLE_ARN", &b"arn-file"[..], SourceKind::File),
        ]
    );
    assert_eq!(captured.sources[1].entries, 2);
}

#[test]
fn empty_value_counts_as_absent_and_a_later_source_supplies_it() {
    let scratch = Scratch::new("empty-value");
    let file = scratch.file("environ", b"AWS_REGION=from-file\0AWS_ROLE_ARN=\0");
    let captured = capture(
        &defaults(),
        &Sources {
            process_environ: b"AWS_REGION=\0AWS_ROLE_ARN=\0",
            environ_file: Some(&file),
        },
    );
    assert_eq!(captured.vars.len(), 1);
    assert_eq!(captured.vars[0].name, "AWS_REGION");
    assert_eq!(captured.vars[0].value, b"from-file");
}

#[test]
fn malformed_process_environment_obeys_the_same_rules_as_a_file() {
    let runtime = Runtime::start(
        Settings {
            environ_file: Vec::new(),
            ..Settings::default()
        },
        "cli",
        b"NO_EQUALS\0AWS-REGION=x\0AWS_REGION=ok\0AWS_REGION=dup\0",
    );
    let process = &runtime.capture.sources[0];
    assert_eq!(process.status, SourceStatus::Read);
    assert_eq!(process.entries, 1);
    assert_eq!(process.skipped, skipped(1, 1, 1));
    assert_eq!(process.skipped.total(), 3);
    assert_eq!(runtime.capture.vars[0].value, b"ok");
}

// ---------------------------------------------------------------------------
// The environ file
// ---------------------------------------------------------------------------

#[test]
fn empty_file_is_read_and_holds_nothing() {
    let scratch = Scratch::new("empty-file");
    let captured = capture_file(&scratch.file("environ", b""));
    let source = &captured.sources[1];
    assert_eq!(
        (source.status, source.entries, source.skipped.total()),
        (SourceStatus::Read, 0, 0)
    );
    assert_eq!(source.error, None);
    assert!(captured.vars.is_empty());
}

#[test]
fn file_of_only_nul_bytes_is_overwritten_not_read() {
    // /proc/1/environ when PID 1 is php-fpm: its master zeroes its original
    // environment to make room for the process title.
    let scratch = Scratch::new("all-nul");
    let captured = capture_file(&scratch.file("environ", &[0; 4096]));
    let source = &captured.sources[1];
    assert_eq!(
        (source.status, source.status.key(), source.entries),
        (SourceStatus::Overwritten, "overwritten", 0)
    );
    assert_eq!(source.error.as_deref(), Some(OVERWRITTEN_REASON));
    assert!(captured.vars.is_empty());
    // php-fpm's start-up line says why the file gave nothing.
    let runtime = Runtime::start(
        Settings {
            environ_file: scratch
                .file("environ", &[0; 64])
                .as_os_str()
                .as_bytes()
                .to_vec(),
            ..Settings::default()
        },
        "fpm-fcgi",
        b"",
    );
    assert!(
        runtime
            .startup_line()
            .contains(&format!("environ: {OVERWRITTEN_REASON} — ")),
        "{}",
        runtime.startup_line()
    );
    // One byte that is not NUL makes it an environment again.
    let mut bytes = vec![0; 4096];
    bytes[100] = b'X';
    let captured = capture_file(&scratch.file("environ", &bytes));
    assert_eq!(captured.sources[1].status, SourceStatus::Read);
}

#[test]
fn file_of_exactly_four_mib_is_read() {
    let scratch = Scratch::new("at-limit");
    let mut bytes = b"AWS_REGION=at-limit\0".to_vec();
    bytes.resize(MAX_ENVIRON_FILE_BYTES as usize, 0);
    let captured = capture_file(&scratch.file("environ", &bytes));
    assert_eq!(captured.sources[1].status, SourceStatus::Read);
    assert_eq!(captured.vars[0].value, b"at-limit");
}

#[test]
fn file_over_four_mib_is_refused_whole() {
    let scratch = Scratch::new("too-large");
    let mut bytes = b"AWS_REGION=too-large\0".to_vec();
    bytes.resize(MAX_ENVIRON_FILE_BYTES as usize + 1, 0);
    let captured = capture_file(&scratch.file("environ", &bytes));
    let source = &captured.sources[1];
    assert_eq!(source.status, SourceStatus::TooLarge);
    assert_eq!(source.error.as_deref(), Some("larger than 4194304 bytes"));
    assert!(
        captured.vars.is_empty(),
        "nothing is taken from a refused file"
    );
}

#[test]
fn procfs_file_whose_stat_size_is_zero_is_read_in_full() {
    // /proc/<pid>/environ reports st_size 0: the limit is enforced by reading.
    let path = Path::new("/proc/self/environ");
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    let bytes = read_environ_file(path).expect("own environ is readable");
    assert_eq!(bytes, std::fs::read(path).unwrap());
}

#[test]
fn directory_is_not_a_regular_file() {
    let scratch = Scratch::new("directory");
    assert_eq!(
        file_outcome(&scratch.0),
        (
            SourceStatus::NotRegularFile,
            Some("not a regular file".into())
        )
    );
}

#[test]
fn fifo_is_not_a_regular_file_and_does_not_block() {
    let scratch = Scratch::new("fifo");
    let fifo = scratch.path("fifo");
    let c_path = CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    // No writer exists: a blocking open would hang this test forever.
    assert_eq!(
        file_outcome(&fifo),
        (
            SourceStatus::NotRegularFile,
            Some("not a regular file".into())
        )
    );
}

#[test]
fn character_devices_are_not_regular_files() {
    // /dev/zero would never end if it were read; /dev/null would look empty.
    for device in ["/dev/null", "/dev/zero", "/dev/urandom"] {
        assert_eq!(
            file_outcome(Path::new(device)),
            (
                SourceStatus::NotRegularFile,
                Some("not a regular file".into())
            ),
            "{device}"
        );
    }
}

#[test]
fn unix_socket_is_not_a_regular_file_although_open_refuses_it() {
    let scratch = Scratch::new("socket");
    let socket = scratch.path("socket");
    let _listener = UnixListener::bind(&socket).expect("bind a unix socket");
    assert_eq!(
        file_outcome(&socket),
        (
            SourceStatus::NotRegularFile,
            Some("not a regular file (No such device or address)".into())
        )
    );
}

#[test]
fn missing_path_is_not_found() {
    let scratch = Scratch::new("missing");
    assert_eq!(
        file_outcome(&scratch.path("does-not-exist")),
        (
            SourceStatus::NotFound,
            Some("No such file or directory".into())
        )
    );
}

#[test]
fn dangling_symlink_is_not_found() {
    let scratch = Scratch::new("dangling");
    let link = scratch.path("link");
    symlink(scratch.path("nowhere"), &link).unwrap();
    assert_eq!(
        file_outcome(&link),
        (
            SourceStatus::NotFound,
            Some("No such file or directory".into())
        )
    );
}

#[test]
fn symlink_to_a_regular_file_is_followed() {
    let scratch = Scratch::new("symlink");
    let target = scratch.file("environ", b"AWS_REGION=via-link\0");
    let link = scratch.path("link");
    symlink(&target, &link).unwrap();
    let captured = capture_file(&link);
    assert_eq!(captured.sources[1].status, SourceStatus::Read);
    assert_eq!(captured.vars[0].value, b"via-link");
}

#[test]
fn symlink_loop_is_an_error() {
    let scratch = Scratch::new("loop");
    let (a, b) = (scratch.path("a"), scratch.path("b"));
    symlink(&b, &a).unwrap();
    symlink(&a, &b).unwrap();
    assert_eq!(
        file_outcome(&a),
        (
            SourceStatus::Error,
            Some("Too many levels of symbolic links".into())
        )
    );
}

#[test]
fn path_through_a_regular_file_is_an_error() {
    let scratch = Scratch::new("not-dir");
    let file = scratch.file("file", b"");
    assert_eq!(
        file_outcome(&file.join("environ")),
        (SourceStatus::Error, Some("Not a directory".into()))
    );
}

#[test]
fn overlong_path_is_an_error() {
    let long = PathBuf::from(format!("/tmp/{}", "x".repeat(300)));
    assert_eq!(
        file_outcome(&long),
        (SourceStatus::Error, Some("File name too long".into()))
    );
}

#[test]
fn empty_environ_file_setting_disables_the_file_source() {
    let settings = Settings {
        environ_file: Vec::new(),
        ..Settings::default()
    };
    assert_eq!(settings.environ_file_path(), None);
    let runtime = Runtime::start(settings, "cli", b"AWS_REGION=r\0");
    assert_eq!(runtime.capture.sources[1].status, SourceStatus::Disabled);
    assert_eq!(runtime.capture.vars.len(), 1);
}

#[test]
fn startup_line_gives_the_reason_for_each_unusable_file_and_never_a_value() {
    let scratch = Scratch::new("startup-line");
    let mut too_large = b"AWS_REGION=value-too-large-file\0".to_vec();
    too_large.resize(MAX_ENVIRON_FILE_BYTES as usize + 1, 0);
    let cases = [
        (
            scratch.file("too-large", &too_large),
            "larger than 4194304 bytes",
        ),
        (scratch.0.clone(), "not a regular file"),
        (scratch.path("missing"), "No such file or directory"),
    ];
    for (path, reason) in cases {
        let runtime = Runtime::start(
            Settings {
                environ_file: path.as_os_str().as_bytes().to_vec(),
                ..Settings::default()
            },
            "fpm-fcgi",
            b"AWS_ROLE_ARN=value-from-process\0",
        );
        let line = runtime.startup_line();
        assert!(
            line.contains(&format!("{}: {reason}", path.display())),
            "{line}"
        );
        assert!(
            line.contains("captured AWS_ROLE_ARN from the process environment"),
            "{line}"
        );
        assert!(
            !line.contains("value-"),
            "a value in the start-up line: {line}"
        );
    }
}

// ---------------------------------------------------------------------------
// INI: aws_env.names and aws_env.enabled
// ---------------------------------------------------------------------------

fn shown_patterns(list: &NameList) -> Vec<String> {
    list.patterns.iter().map(ToString::to_string).collect()
}

#[test]
fn names_bare_star_is_refused_and_matches_nothing() {
    let list = NameList::parse(b"*");
    assert!(list.patterns.is_empty());
    assert_eq!(list.invalid, ["*"]);
    for secret in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "DB_PASSWORD"] {
        assert!(!list.matches(secret), "{secret}");
    }
}

#[test]
fn names_empty_entries_are_ignored_silently() {
    let list = NameList::parse(b",,AWS_REGION,, ,\t,\n,AWS_ROLE_ARN,");
    assert_eq!(shown_patterns(&list), ["AWS_REGION", "AWS_ROLE_ARN"]);
    assert!(list.invalid.is_empty());
}

#[test]
fn names_empty_or_only_separators_is_an_empty_allowlist() {
    for spec in [&b""[..], b" ", b",,,", b" \t\r\n, "] {
        let list = NameList::parse(spec);
        assert!(
            list.patterns.is_empty() && list.invalid.is_empty(),
            "{spec:?}"
        );
    }
    let runtime = Runtime::start(
        Settings {
            names: Vec::new(),
            environ_file: Vec::new(),
            ..Settings::default()
        },
        "cli",
        b"AWS_REGION=r\0",
    );
    assert!(runtime.capture.vars.is_empty());
}

#[test]
fn names_junk_entries_are_refused_and_quoted_escaped() {
    let list = NameList::parse(b"A-B;C 1BAD AWS_*X *A A** A*B \xff\xfe \x01X %s%n%p AWS_REGION");
    assert_eq!(shown_patterns(&list), ["AWS_REGION"]);
    assert_eq!(
        list.invalid,
        [
            "A-B;C",
            "1BAD",
            "AWS_*X",
            "*A",
            "A**",
            "A*B",
            "\\xff\\xfe",
            "\\x01X",
            "%s%n%p"
        ]
    );
}

#[test]
fn names_list_of_64_kib_is_parsed_whole_and_quotes_stay_short() {
    let mut spec = Vec::new();
    let mut count = 0;
    while spec.len() < 64 * 1024 {
        spec.extend_from_slice(format!("bad-entry-{count},").as_bytes());
        count += 1;
    }
    spec.extend_from_slice(b"AWS_REGION,");
    spec.extend_from_slice(&[b'-'; 70_000]);
    let list = NameList::parse(&spec);
    assert_eq!(shown_patterns(&list), ["AWS_REGION"]);
    assert_eq!(list.invalid.len(), count + 1);
    assert!(list.invalid.iter().all(|shown| shown.len() <= 64 + 3));
    assert!(list.matches("AWS_REGION"));
}

#[test]
fn names_are_case_sensitive() {
    let list = NameList::parse(b"aws_region, AWS_CONTAINER_*");
    assert!(list.matches("aws_region"));
    assert!(!list.matches("AWS_REGION"));
    assert!(!list.matches("aws_container_credentials_relative_uri"));
}

#[test]
fn names_duplicate_patterns_are_kept_once() {
    let list = NameList::parse(b"AWS_REGION AWS_REGION AWS_* AWS_*");
    assert_eq!(shown_patterns(&list), ["AWS_REGION", "AWS_*"]);
    assert!(list.invalid.is_empty());
}

#[test]
fn enabled_with_an_unrecognised_value_is_off() {
    for off in ["", "maybe", "enabled", "0", "off", "no", "false"] {
        assert!(!parse_bool(off.as_bytes()), "{off}");
    }
    for on in ["1", "on", "On", "yes", "true", "TRUE"] {
        assert!(parse_bool(on.as_bytes()), "{on}");
    }
}
