//! Whether this process can read a token file, checked as the process's own
//! user: a php-fpm worker runs as its pool's user, and Kubernetes projects
//! the IRSA and Pod Identity token files owned by root, mode 0600, unless
//! the pod sets `fsGroup` or `runAsUser`.
//!
//! Nothing of the file's contents is read: it is opened, its size and owner
//! looked at, and closed.

use std::ffi::OsStr;
use std::fmt;
use std::fs::OpenOptions;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use crate::capture::os_error_text;
use crate::credentials::FileCheck;

/// Opens the file for reading and closes it again.
pub fn check(path: &[u8]) -> FileCheck {
    let path = Path::new(OsStr::from_bytes(path));
    // Non-blocking, so that a FIFO in its place cannot hang a worker.
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path);
    match opened {
        Ok(file) => match file.metadata() {
            Ok(meta) if meta.is_file() && meta.len() == 0 => FileCheck::Empty,
            _ => FileCheck::Readable,
        },
        Err(error) => FileCheck::Unreadable(os_error_text(&error)),
    }
}

/// Who owns the file and its mode, for a warning that says why a user
/// cannot read it; `None` when even that cannot be had.
pub fn ownership(path: &[u8]) -> Option<Ownership> {
    let meta = std::fs::metadata(Path::new(OsStr::from_bytes(path))).ok()?;
    Some(Ownership {
        uid: meta.uid(),
        gid: meta.gid(),
        mode: meta.mode() & 0o7777,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

impl fmt::Display for Ownership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "owned by uid {}, gid {}, mode {:04o}",
            self.uid, self.gid, self.mode
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("aws_env_token_{}_{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn a_file_with_content_is_readable_and_an_empty_one_is_not_enough() {
        let dir = scratch("content");
        let token = dir.join("token");
        std::fs::write(&token, b"x").unwrap();
        assert_eq!(check(token.as_os_str().as_bytes()), FileCheck::Readable);
        std::fs::write(&token, b"").unwrap();
        assert_eq!(check(token.as_os_str().as_bytes()), FileCheck::Empty);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_says_why_in_the_oss_words() {
        let dir = scratch("missing");
        let missing = dir.join("nothing-here");
        assert_eq!(
            check(missing.as_os_str().as_bytes()),
            FileCheck::Unreadable("No such file or directory".to_owned())
        );
        assert_eq!(ownership(missing.as_os_str().as_bytes()), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn ownership_names_owner_and_mode() {
        let dir = scratch("owner");
        let token = dir.join("token");
        std::fs::write(&token, b"x").unwrap();
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        let owner = ownership(token.as_os_str().as_bytes()).unwrap();
        assert_eq!(owner.mode, 0o600);
        // SAFETY: geteuid cannot fail.
        assert_eq!(owner.uid, unsafe { libc::geteuid() });
        assert_eq!(
            owner.to_string(),
            format!("owned by uid {}, gid {}, mode 0600", owner.uid, owner.gid)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_fifo_does_not_block() {
        let dir = scratch("fifo");
        let fifo = dir.join("fifo");
        let path = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        assert_eq!(check(fifo.as_os_str().as_bytes()), FileCheck::Readable);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
