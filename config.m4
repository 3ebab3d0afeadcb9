dnl aws_env is written in Rust: this file lets phpize, pecl and PIE build it
dnl like any C extension. configure finds cargo and libclang and records
dnl which PHP to build for; `make` runs cargo (see Makefile.frag).

PHP_ARG_ENABLE([aws_env],
  [whether to enable aws_env],
  [AS_HELP_STRING([--enable-aws_env],
    [Enable aws_env: the AWS ECS/EKS variables for php-fpm workers with clear_env on])],
  [yes])

if test "$PHP_AWS_ENV" != "no"; then
  AC_ARG_VAR([CARGO], [the cargo to build aws_env with])
  AC_PATH_PROG([CARGO], [cargo], [no], [$PATH:$HOME/.cargo/bin])
  if test "$CARGO" = "no"; then
    AC_MSG_ERROR([cargo not found: aws_env is written in Rust. Install a Rust toolchain (rustup, or your distribution's cargo and rustc) and put cargo on PATH, or pass CARGO=/path/to/cargo])
  fi

  dnl ext-php-rs generates its bindings to PHP's headers with libclang.
  AC_MSG_CHECKING([for libclang])
  aws_env_libclang=""
  for aws_env_dir in "$LIBCLANG_PATH" `llvm-config --libdir 2>/dev/null` \
      /usr/lib/llvm-*/lib /usr/lib/*-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    if test -n "$aws_env_dir" && ls "$aws_env_dir"/libclang.so* "$aws_env_dir"/libclang-*.so* >/dev/null 2>&1; then
      aws_env_libclang="$aws_env_dir"
      break
    fi
  done
  if test -z "$aws_env_libclang"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([libclang not found: building aws_env needs it to read PHP's headers. Install it (Debian/Ubuntu: apt-get install clang libclang-dev; Alpine: apk add clang-dev; Fedora: dnf install clang-devel) or set LIBCLANG_PATH to the directory holding libclang.so])
  fi
  AC_MSG_RESULT([$aws_env_libclang])

  dnl Build for exactly the PHP this configure was pointed at, whatever
  dnl php-config happens to be first on PATH when make runs.
  AWS_ENV_PHP_CONFIG=`command -v "$PHP_CONFIG" 2>/dev/null`
  if test -z "$AWS_ENV_PHP_CONFIG"; then
    AC_MSG_ERROR([cannot resolve php-config '$PHP_CONFIG' to a path])
  fi
  AWS_ENV_PHP=`"$AWS_ENV_PHP_CONFIG" --php-binary 2>/dev/null`
  if test ! -x "$AWS_ENV_PHP"; then
    AC_MSG_ERROR([$AWS_ENV_PHP_CONFIG --php-binary gave '$AWS_ENV_PHP', which is not an executable PHP])
  fi

  PHP_SUBST([CARGO])
  PHP_SUBST([AWS_ENV_PHP_CONFIG])
  PHP_SUBST([AWS_ENV_PHP])
  PHP_ADD_MAKEFILE_FRAGMENT([$abs_srcdir/Makefile.frag], [$abs_srcdir], [$abs_builddir])
fi
