--TEST--
Malformed entries are skipped and counted: no '=', leading '=', invalid names, duplicates (first wins), no final NUL
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// One of each malformed class, around valid entries; the last has no final NUL.
$malformed = "NO_EQUALS_SIGN\0=leading-equals\0" . "1BAD=x\0BAD-NAME=x\0BAD NAME=x\0\xc3\xa9=x\0"
    . "AWS_REGION=first\0AWS_REGION=second\0\0\0AWS_ROLE_ARN=no-final-nul";
echo php_child(<<<'PHP'
    visibility('AWS_REGION', 'AWS_ROLE_ARN');
    file_source();
    PHP, ['aws_env.environ_file' => fixture('malformed.environ', $malformed)]);
?>
--EXPECTF--
AWS_REGION: getenv=first array=first server=first env=first
AWS_ROLE_ARN: getenv=no-final-nul array=no-final-nul server=no-final-nul env=no-final-nul
file %s/malformed.environ: read entries=2 skipped=7 error=-
