--TEST--
Duplicate names in one source: the first entry is the variable even when empty, so an empty first entry captures nothing from that source
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$duplicates = environ(['AWS_REGION=', 'AWS_REGION=second', 'AWS_ROLE_ARN=first', 'AWS_ROLE_ARN=second']);
echo php_child(<<<'PHP'
    visibility('AWS_REGION', 'AWS_ROLE_ARN');
    captured();
    file_source();
    PHP, ['aws_env.environ_file' => fixture('duplicate-first-empty.environ', $duplicates)]);
?>
--EXPECTF--
AWS_REGION: getenv=- array=- server=- env=-
AWS_ROLE_ARN: getenv=first array=first server=first env=first
AWS_ROLE_ARN: file 5 injected
file %s/duplicate-first-empty.environ: read entries=2 skipped=2 error=-
