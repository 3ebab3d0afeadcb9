# Included by the Makefile that phpize and configure generate: aws_env is
# built by cargo, then put where PHP's own install rules expect a module.

# Overridable from the environment, so that CI can share one cargo target
# directory between install paths.
AWS_ENV_TARGET_DIR ?= $(builddir)/target
AWS_ENV_MODULE = $(phplibdir)/aws_env.so

all: aws_env-cargo
build-modules: aws_env-cargo
clean: aws_env-clean

# `make test` (PHP's own target, in Makefile.global) runs run-tests.php on
# $(TESTS) against modules/aws_env.so. The suite lives in php-tests/, not in
# PHP's default tests/; `make test TESTS=php-tests/001-loaded.phpt` still
# picks single tests.
TESTS ?= $(top_srcdir)/php-tests

# Always asks cargo, which knows better than make whether anything changed.
aws_env-cargo:
	cd '$(srcdir)' && \
	PHP='$(AWS_ENV_PHP)' PHP_CONFIG='$(AWS_ENV_PHP_CONFIG)' CARGO_TARGET_DIR='$(AWS_ENV_TARGET_DIR)' \
	'$(CARGO)' build --release --locked
	$(mkinstalldirs) '$(phplibdir)'
	cp '$(AWS_ENV_TARGET_DIR)/release/libaws_env.so' '$(AWS_ENV_MODULE)'

aws_env-clean:
	rm -rf '$(AWS_ENV_TARGET_DIR)' '$(AWS_ENV_MODULE)'

.PHONY: aws_env-cargo aws_env-clean
