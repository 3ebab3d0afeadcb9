<?php
// The benchmarked request: as little PHP as possible, so that whatever a
// configuration adds per request is as large a share of the time as it can be.
echo 'Hello, world!';
