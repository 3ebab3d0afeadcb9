--TEST--
aws_env_status() has the documented shape and types
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child('var_dump(aws_env_status());', [
    'aws_env.environ_file' => fixture('eks.environ'),
    'aws_env.names' => '"AWS_ROLE_ARN, bad-"',
    'display_startup_errors' => '0',
]);
?>
--EXPECTF--
PHP Warning:  PHP Startup: aws_env.names: ignoring invalid entry "bad-" (expected a variable name, optionally ending in *) in Unknown on line 0
array(11) {
  ["version"]=>
  string(%d) "%d.%d.%s"
  ["enabled"]=>
  bool(true)
  ["sapi"]=>
  string(3) "cli"
  ["injection"]=>
  string(10) "at_startup"
  ["names"]=>
  array(1) {
    [0]=>
    string(12) "AWS_ROLE_ARN"
  }
  ["invalid_names"]=>
  array(1) {
    [0]=>
    string(4) "bad-"
  }
  ["pool"]=>
  NULL
  ["sources"]=>
  array(2) {
    [0]=>
    array(6) {
      ["name"]=>
      string(7) "process"
      ["path"]=>
      NULL
      ["status"]=>
      string(4) "read"
      ["entries"]=>
      int(%d)
      ["skipped"]=>
      int(0)
      ["error"]=>
      NULL
    }
    [1]=>
    array(6) {
      ["name"]=>
      string(4) "file"
      ["path"]=>
      string(%d) "%s/eks.environ"
      ["status"]=>
      string(4) "read"
      ["entries"]=>
      int(5)
      ["skipped"]=>
      int(0)
      ["error"]=>
      NULL
    }
  }
  ["captured"]=>
  array(1) {
    ["AWS_ROLE_ARN"]=>
    array(3) {
      ["source"]=>
      string(4) "file"
      ["length"]=>
      int(43)
      ["state"]=>
      string(8) "injected"
    }
  }
  ["credentials"]=>
  array(8) {
    ["provider"]=>
    string(17) "instance_metadata"
    ["endpoint"]=>
    NULL
    ["relies_on"]=>
    array(0) {
    }
    ["ok"]=>
    bool(false)
    ["why"]=>
    string(%d) "no credentials variables in the environment: %s"
    ["notes"]=>
    array(1) {
      [0]=>
      string(%d) "AWS_ROLE_ARN is set without AWS_WEB_IDENTITY_TOKEN_FILE: the SDK skips web identity"
    }
    ["summary"]=>
    string(%d) "the AWS SDK will use the EC2 instance metadata service (not ok: %s)"
    ["scope"]=>
    string(%d) "the verdict covers the environment only: %s"
  }
  ["token_files"]=>
  array(0) {
  }
}
