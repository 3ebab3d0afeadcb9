//! Capture: the allowlisted variables of each source, first source first,
//! with where each one came from and what happened to each source.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::environ::{self, Skipped};
use crate::names::NameList;

/// Larger environ files are refused: the kernel caps a process environment
/// far below this, so anything bigger is not an environment.
pub const MAX_ENVIRON_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// The environment of the process that loads the module.
    Process,
    /// The file named by `aws_env.environ_file`.
    File,
}

impl SourceKind {
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Process => "process",
            SourceKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceStatus {
    Read,
    Disabled,
    NotFound,
    PermissionDenied,
    TooLarge,
    NotRegularFile,
    /// The file held bytes, every one of them NUL: what `/proc/1/environ`
    /// reads as when PID 1 is php-fpm, whose master overwrites its original
    /// environment memory to make room for its process title.
    Overwritten,
    Error,
}

/// Why an [`SourceStatus::Overwritten`] source gave nothing, for every
/// report that shows it.
pub const OVERWRITTEN_REASON: &str = "the environment was overwritten: nothing but NUL bytes \
     (php-fpm as PID 1 reuses its environment for its process title)";

impl SourceStatus {
    /// The stable identifier used in `aws_env_status()`.
    pub fn key(self) -> &'static str {
        match self {
            SourceStatus::Read => "read",
            SourceStatus::Disabled => "disabled",
            SourceStatus::NotFound => "not_found",
            SourceStatus::PermissionDenied => "permission_denied",
            SourceStatus::TooLarge => "too_large",
            SourceStatus::NotRegularFile => "not_regular_file",
            SourceStatus::Overwritten => "overwritten",
            SourceStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    pub kind: SourceKind,
    /// The file's path; `None` for the process environment.
    pub path: Option<PathBuf>,
    pub status: SourceStatus,
    /// Well-formed entries the source held (matching or not).
    pub entries: usize,
    pub skipped: Skipped,
    /// Why the source could not be read, as the OS words it.
    pub error: Option<String>,
}

impl SourceReport {
    fn unread(kind: SourceKind, path: Option<PathBuf>, failure: FileFailure) -> Self {
        SourceReport {
            kind,
            path,
            status: failure.status,
            entries: 0,
            skipped: Skipped::default(),
            error: failure.error,
        }
    }

    /// How messages name this source: its path, or "the process
    /// environment". Displayed, not built, so that it formats into any
    /// writer.
    pub fn label(&self) -> impl std::fmt::Display + '_ {
        SourceLabel(self.path.as_deref())
    }
}

struct SourceLabel<'a>(Option<&'a Path>);

impl std::fmt::Display for SourceLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(path) => path.display().fmt(f),
            None => f.write_str("the process environment"),
        }
    }
}

/// One captured variable. The value is private to the module: only its
/// length ever leaves it in a report.
#[derive(Clone, PartialEq, Eq)]
pub struct CapturedVar {
    pub name: String,
    pub value: Vec<u8>,
    pub source: SourceKind,
}

impl std::fmt::Debug for CapturedVar {
    // Written by hand so that no `{:?}` anywhere can print a value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapturedVar")
            .field("name", &self.name)
            .field("length", &self.value.len())
            .field("source", &self.source)
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capture {
    pub sources: Vec<SourceReport>,
    /// Sorted by name.
    pub vars: Vec<CapturedVar>,
}

/// Where to look. The process environment comes as environ bytes so that both
/// sources go through one parser and obey the same rules.
pub struct Sources<'a> {
    pub process_environ: &'a [u8],
    /// `None` when `aws_env.environ_file` is empty.
    pub environ_file: Option<&'a Path>,
}

/// Reads every source and keeps, for each allowlisted name, the value of the
/// first source that has it non-empty. An empty value counts as absent, so a
/// later source can still supply it.
pub fn capture(names: &NameList, sources: &Sources<'_>) -> Capture {
    let mut capture = Capture::default();
    let mut take = |kind: SourceKind, bytes: &[u8], path: Option<PathBuf>| {
        let parsed = environ::parse(bytes);
        for entry in &parsed.entries {
            if !entry.value.is_empty() && names.matches(entry.name) {
                capture.vars.push(CapturedVar {
                    name: entry.name.to_owned(),
                    value: entry.value.to_vec(),
                    source: kind,
                });
            }
        }
        capture.sources.push(SourceReport {
            kind,
            path,
            status: SourceStatus::Read,
            entries: parsed.entries.len(),
            skipped: parsed.skipped,
            error: None,
        });
    };

    take(SourceKind::Process, sources.process_environ, None);
    match sources.environ_file {
        None => capture.sources.push(SourceReport::unread(
            SourceKind::File,
            None,
            FileFailure {
                status: SourceStatus::Disabled,
                error: None,
            },
        )),
        Some(path) => match read_environ_file(path) {
            Ok(bytes) if is_overwritten(&bytes) => capture.sources.push(SourceReport::unread(
                SourceKind::File,
                Some(path.to_owned()),
                FileFailure {
                    status: SourceStatus::Overwritten,
                    error: Some(OVERWRITTEN_REASON.to_owned()),
                },
            )),
            Ok(bytes) => take(SourceKind::File, &bytes, Some(path.to_owned())),
            Err(failure) => capture.sources.push(SourceReport::unread(
                SourceKind::File,
                Some(path.to_owned()),
                failure,
            )),
        },
    }
    // Sources were taken in order and the sort is stable, so the first of
    // each name is the one from the earliest source.
    capture.vars.sort_by(|a, b| a.name.cmp(&b.name));
    capture
        .vars
        .dedup_by(|later, first| later.name == first.name);
    capture
}

/// Bytes, all of them NUL. An empty file is an empty environment, not an
/// overwritten one.
fn is_overwritten(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| b == 0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFailure {
    pub status: SourceStatus,
    pub error: Option<String>,
}

impl From<io::Error> for FileFailure {
    fn from(error: io::Error) -> Self {
        // open() refuses a unix socket (and a device without a driver) with
        // ENXIO before there is a descriptor to fstat: it is still a path
        // that is not a regular file, and should be reported as one.
        if error.raw_os_error() == Some(libc::ENXIO) {
            return FileFailure {
                status: SourceStatus::NotRegularFile,
                error: Some(format!("not a regular file ({})", os_error_text(&error))),
            };
        }
        let status = match error.kind() {
            io::ErrorKind::NotFound => SourceStatus::NotFound,
            io::ErrorKind::PermissionDenied => SourceStatus::PermissionDenied,
            _ => SourceStatus::Error,
        };
        FileFailure {
            status,
            error: Some(os_error_text(&error)),
        }
    }
}

/// The OS's own words ("Permission denied"), without Rust's
/// " (os error 13)" suffix, so that messages read like the C library's.
pub(crate) fn os_error_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// Reads an environ file of at most [`MAX_ENVIRON_FILE_BYTES`].
///
/// The file is opened non-blocking so that a FIFO cannot hang the start-up,
/// then refused unless it is a regular file. The size is checked by reading,
/// not by `stat`: `/proc/<pid>/environ` reports a size of 0.
pub fn read_environ_file(path: &Path) -> Result<Vec<u8>, FileFailure> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(FileFailure {
            status: SourceStatus::NotRegularFile,
            error: Some("not a regular file".to_owned()),
        });
    }
    read_bounded(file)
}

fn read_bounded(file: File) -> Result<Vec<u8>, FileFailure> {
    let mut bytes = Vec::new();
    file.take(MAX_ENVIRON_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_ENVIRON_FILE_BYTES {
        return Err(FileFailure {
            status: SourceStatus::TooLarge,
            error: Some(format!("larger than {} bytes", MAX_ENVIRON_FILE_BYTES)),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::DEFAULT_NAMES;

    fn defaults() -> NameList {
        NameList::parse(DEFAULT_NAMES.as_bytes())
    }

    fn found(capture: &Capture) -> Vec<(&str, &[u8], SourceKind)> {
        capture
            .vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_slice(), v.source))
            .collect()
    }

    #[test]
    fn only_allowlisted_names_are_taken() {
        let capture = capture(
            &defaults(),
            &Sources {
                process_environ: b"AWS_SECRET_ACCESS_KEY=s\0DB_PASSWORD=p\0AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x\0",
                environ_file: None,
            },
        );
        assert_eq!(
            found(&capture),
            [(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                &b"/v2/x"[..],
                SourceKind::Process
            )]
        );
        assert_eq!(capture.sources[0].entries, 3);
        assert_eq!(capture.sources[1].status, SourceStatus::Disabled);
    }

    #[test]
    fn binary_values_are_copied_unchanged() {
        let capture = capture(
            &defaults(),
            &Sources {
                process_environ: b"AWS_REGION=\xff\x01=\n\0",
                environ_file: None,
            },
        );
        assert_eq!(capture.vars[0].value, b"\xff\x01=\n");
    }

    #[test]
    fn os_errors_map_to_statuses_in_the_os_words() {
        // The real unreadable file is covered by the phpt suite, which runs
        // as an unprivileged user: root reads any file.
        let denied = FileFailure::from(io::Error::from_raw_os_error(libc::EACCES));
        assert_eq!(denied.status, SourceStatus::PermissionDenied);
        assert_eq!(denied.error.as_deref(), Some("Permission denied"));
        let other = FileFailure::from(io::Error::from_raw_os_error(libc::EIO));
        assert_eq!(other.status, SourceStatus::Error);
        assert_eq!(other.error.as_deref(), Some("Input/output error"));
    }

    #[test]
    fn debug_output_never_shows_a_value() {
        let var = CapturedVar {
            name: "AWS_REGION".into(),
            value: b"super-secret-value".to_vec(),
            source: SourceKind::Process,
        };
        let shown = format!("{var:?}");
        assert!(!shown.contains("super-secret-value"), "{shown}");
        assert!(shown.contains("length: 18"), "{shown}");
    }
}
