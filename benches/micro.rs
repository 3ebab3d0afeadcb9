//! Micro-benchmarks of what aws_env does at start-up and on every request.
//!
//!   cargo bench --bench micro              everything
//!   cargo bench --bench micro -- inject    one group
//!   cargo test --benches                   each benchmark once, as a check
//!
//! The `inject` group writes this process's environment: it is the only
//! thing in the process that touches the environment, on one thread.

use std::hint::black_box;
use std::path::PathBuf;

use aws_env::capture::{self, CapturedVar, Sources};
use aws_env::environ;
use aws_env::names::{DEFAULT_NAMES, NameList};
use aws_env::process_env::{Injector, VarState};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// What ECS Fargate puts into every container; the default allowlist
/// captures all seven. Made-up values.
const FARGATE: [(&str, &str); 7] = [
    (
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "/v2/credentials/6c1f0d4e-9a3b-4f1e-8d2c-7b5a3e9f1c20",
    ),
    ("AWS_DEFAULT_REGION", "eu-west-1"),
    ("AWS_EXECUTION_ENV", "AWS_ECS_FARGATE"),
    ("AWS_REGION", "eu-west-1"),
    (
        "ECS_AGENT_URI",
        "http://169.254.170.2/api/0f4c9a7e2b8d4c61a3e5f7091b2d4c6e-3779599274",
    ),
    (
        "ECS_CONTAINER_METADATA_URI",
        "http://169.254.170.2/v3/0f4c9a7e2b8d4c61a3e5f7091b2d4c6e-3779599274",
    ),
    (
        "ECS_CONTAINER_METADATA_URI_V4",
        "http://169.254.170.2/v4/0f4c9a7e2b8d4c61a3e5f7091b2d4c6e-3779599274",
    ),
];

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

fn fargate_environ() -> Vec<u8> {
    environ::format(FARGATE.iter().map(|(name, value)| environ::Entry {
        name,
        value: value.as_bytes(),
    }))
}

/// Longer than any application setting `container_environ` writes.
const LONGEST_SETTING: usize = 160;

/// A container environment of exactly `size` bytes: the Fargate variables,
/// then application settings of 16 to 135 bytes each (the worst case for the
/// parser is many short entries, not one long one), then one padding entry.
fn container_environ(size: usize) -> Vec<u8> {
    let mut bytes = fargate_environ();
    let mut index = 0;
    while size - bytes.len() > LONGEST_SETTING {
        let entry = format!(
            "APP_SETTING_{index:05}={}\0",
            "v".repeat(16 + (index * 37) % 120)
        );
        bytes.extend_from_slice(entry.as_bytes());
        index += 1;
    }
    pad_to(&mut bytes, "APP_PADDING", size);
    bytes
}

/// The other shape of a large environ: the Fargate variables and one value
/// that fills the rest.
fn environ_with_one_large_value(size: usize) -> Vec<u8> {
    let mut bytes = fargate_environ();
    pad_to(&mut bytes, "BLOB", size);
    bytes
}

/// Appends `name=vvv...` so that `bytes` ends exactly at `size`.
fn pad_to(bytes: &mut Vec<u8>, name: &str, size: usize) {
    let value_len = size - bytes.len() - name.len() - 2; // '=' and NUL
    bytes.extend_from_slice(name.as_bytes());
    bytes.push(b'=');
    bytes.extend(std::iter::repeat_n(b'v', value_len));
    bytes.push(0);
    assert_eq!(bytes.len(), size);
}

fn environ_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("environ_parse");
    for (label, size) in [("4KiB", 4 * KIB), ("64KiB", 64 * KIB), ("1MiB", MIB)] {
        let bytes = container_environ(size);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::new("many_entries", label),
            &bytes,
            |b, bytes| b.iter(|| environ::parse(black_box(bytes))),
        );
    }
    let one_value = environ_with_one_large_value(MIB);
    group.throughput(Throughput::Bytes(MIB as u64));
    group.bench_with_input(
        BenchmarkId::new("one_large_value", "1MiB"),
        &one_value,
        |b, bytes| b.iter(|| environ::parse(black_box(bytes))),
    );
    group.finish();
}

/// 200 names a container might hold: the Fargate ones, the web-identity
/// ones EKS adds, static keys the default list must refuse, and the
/// application and service-discovery variables that make up the rest.
fn two_hundred_names() -> Vec<String> {
    let mut names: Vec<String> = FARGATE.iter().map(|(name, _)| name.to_string()).collect();
    names.extend(
        [
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_STS_REGIONAL_ENDPOINTS",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_BUCKET",
            "PATH",
            "HOME",
            "HOSTNAME",
        ]
        .map(String::from),
    );
    let mut service = 0;
    while names.len() < 200 {
        names.push(format!("SERVICE_{service:03}_PORT_8080_TCP_ADDR"));
        names.push(format!("APP_FEATURE_{service:03}_ENABLED"));
        service += 1;
    }
    names.truncate(200);
    names
}

fn names_match(c: &mut Criterion) {
    let mut group = c.benchmark_group("names_match");
    group.bench_function("parse_default_list", |b| {
        b.iter(|| NameList::parse(black_box(DEFAULT_NAMES.as_bytes())))
    });
    let list = NameList::parse(DEFAULT_NAMES.as_bytes());
    let names = two_hundred_names();
    assert_eq!(names.len(), 200);
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("default_list_against_200_names", |b| {
        b.iter(|| {
            black_box(&names)
                .iter()
                .filter(|name| list.matches(name))
                .count()
        })
    });
    group.finish();
}

/// The variables aws_env holds in a Fargate task: what `capture` keeps.
fn fargate_capture() -> Vec<CapturedVar> {
    let environ = container_environ(4 * KIB);
    let sources = Sources {
        process_environ: &environ,
        environ_file: None,
    };
    let vars = capture::capture(&NameList::parse(DEFAULT_NAMES.as_bytes()), &sources).vars;
    assert_eq!(
        vars.len(),
        FARGATE.len(),
        "the default list captures Fargate's variables"
    );
    vars
}

fn remove_all(vars: &[CapturedVar]) {
    for var in vars {
        // SAFETY: this benchmark process is single-threaded and nothing else
        // in it reads the environment.
        unsafe { std::env::remove_var(&var.name) };
    }
}

/// `Injector::inject_missing` as `sapi_module.activate` calls it on every
/// request.
fn inject(c: &mut Criterion) {
    let vars = fargate_capture();
    let mut group = c.benchmark_group("inject");

    // The first request of a fresh worker: php-fpm cleared the environment.
    // One injector throughout, as in a worker: what it put into the
    // environment stays there for good.
    let mut injector = Injector::new(&vars);
    group.bench_function("first_request_all_missing", |b| {
        b.iter_batched(
            || remove_all(&vars),
            // SAFETY: single-threaded, see `remove_all`.
            |()| unsafe { black_box(&mut injector).inject_missing() },
            BatchSize::PerIteration,
        )
    });

    // Every later request of a persistent worker: everything is there.
    remove_all(&vars);
    // SAFETY: single-threaded, see `remove_all`.
    unsafe { injector.inject_missing() };
    group.bench_function("steady_state_all_present", |b| {
        // SAFETY: single-threaded, see `remove_all`.
        b.iter(|| unsafe { black_box(&mut injector).inject_missing() })
    });
    for var in &vars {
        // SAFETY: single-threaded, see `remove_all`.
        let state = unsafe { injector.state_of(&var.name) };
        assert_eq!(state, VarState::Injected, "{}", var.name);
    }
    group.finish();
    remove_all(&vars);
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("aws-env-bench-{}.environ", std::process::id()));
        std::fs::write(&path, contents).expect("write the environ file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Module start-up's whole capture in a Fargate container whose entrypoint
/// is PHP: parse the list, read the process environment and /proc/1/environ
/// (here a file with the same 4 KiB), keep the allowlisted variables.
fn startup_capture(c: &mut Criterion) {
    let environ = container_environ(4 * KIB);
    let file = TempFile::new(&environ);
    c.bench_function("startup_capture/fargate_4KiB_twice", |b| {
        b.iter(|| {
            let names = NameList::parse(DEFAULT_NAMES.as_bytes());
            let sources = Sources {
                process_environ: black_box(&environ),
                environ_file: Some(&file.0),
            };
            capture::capture(&names, &sources)
        })
    });
}

criterion_group!(benches, environ_parse, names_match, inject, startup_capture);
criterion_main!(benches);
