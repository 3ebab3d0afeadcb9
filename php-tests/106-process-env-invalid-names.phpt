--TEST--
The process environment obeys the file's rules: entries without `=`, with an invalid or with an empty name are skipped and counted
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// execve() accepts any string as an entry; a shell cannot make these, so
// proc_open passes an explicit environment (an entry with a numeric key goes
// in as it is: that is the one without `=`). (The entry count is left open:
// php-tests/valgrind adds its own variables to every PHP process.)
$env = ['AWS_ROLE_ARN_WITHOUT_EQUALS', 'AWS-REGION' => 'dash', '=AWS_ROLE_ARN' => 'leading-equals', 'AWS_REGION' => 'ok'];
echo php_child(<<<'PHP'
    $s = aws_env_status();
    $p = $s['sources'][0];
    echo $p['status'], ' entries=', $p['entries'], ' skipped=', $p['skipped'], "\n";
    echo implode(',', array_keys($s['captured'])), ' ', getenv('AWS_REGION'), "\n";
    PHP, ['aws_env.environ_file' => ''], $env);
?>
--EXPECTF--
read entries=%d skipped=3
AWS_REGION ok
