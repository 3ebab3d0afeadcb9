--TEST--
aws_env.stub.php declares exactly the module's functions, with the same signatures
--EXTENSIONS--
aws_env
--SKIPIF--
<?php
// pecl installs the stub as documentation, away from the tests.
if (!is_file(dirname(__DIR__) . '/aws_env.stub.php')) echo "skip aws_env.stub.php is not in the directory above the tests\n";
?>
--FILE--
<?php
require __DIR__ . '/harness.inc';
require __DIR__ . '/signature.inc';

$module = array_map(fn ($name) => signature(new ReflectionFunction($name)), get_extension_funcs('aws_env'));
sort($module);

// The stub is reflected in a PHP without the module, where its functions do
// not clash with the real ones.
$code = 'require ' . var_export(__DIR__ . '/signature.inc', true) . ';'
    . '$before = get_defined_functions()["user"];'
    . 'require ' . var_export(dirname(__DIR__) . '/aws_env.stub.php', true) . ';'
    . '$stub = array_diff(get_defined_functions()["user"], $before);'
    . 'foreach ($stub as $name) { echo signature(new ReflectionFunction($name)), "\n"; }';
$stub = array_filter(explode("\n", shell_exec(escapeshellarg(php_binary()) . ' -n -r ' . escapeshellarg($code))));
sort($stub);

echo "module only: ", json_encode(array_values(array_diff($module, $stub))), "\n";
echo "stub only: ", json_encode(array_values(array_diff($stub, $module))), "\n";
echo implode("\n", $module), "\n";
?>
--EXPECT--
module only: []
stub only: []
aws_env_status(): array
