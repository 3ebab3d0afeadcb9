--TEST--
An unreadable environ file is permission_denied, silently
--EXTENSIONS--
aws_env
--SKIPIF--
<?php require __DIR__ . '/harness.inc'; skip_if_readable(fixture('unreadable.environ', '', 0), 'a file of mode 000'); ?>
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    file_source();
    var_dump(getenv('AWS_REGION'));
    PHP, ['aws_env.environ_file' => fixture('unreadable.environ', environ(['AWS_REGION=unreadable']), 0)]);
?>
--EXPECTF--
file %s/unreadable.environ: permission_denied entries=0 skipped=0 error=Permission denied
bool(false)
