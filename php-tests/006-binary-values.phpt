--TEST--
Values are bytes: non-UTF-8, '=', control bytes and a 1 MiB value arrive unchanged
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    var_dump(bin2hex(getenv('AWS_REGION')));
    var_dump(bin2hex($_SERVER['AWS_REGION']));
    var_dump(bin2hex(getenv('AWS_ROLE_SESSION_NAME')));
    var_dump(aws_env_status()['captured']['AWS_REGION']['length']);
    PHP, ['aws_env.environ_file' => fixture('binary.environ', environ([
        "AWS_REGION=\xff\xfe=\x01\n\x7fend",
        "AWS_ROLE_SESSION_NAME=caf\xc3\xa9",
    ]))]);
?>
--EXPECT--
string(18) "fffe3d010a7f656e64"
string(18) "fffe3d010a7f656e64"
string(10) "636166c3a9"
int(9)
