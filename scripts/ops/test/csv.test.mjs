// The device list is checked line by line before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../csv.mjs';

test('device ids, header, comments and blank lines', () => {
  const devices = parseCsv('device\nsensor-1,room 4\n\n# spare\n"sensor-2"\n0x0102\n');
  assert.deepEqual(devices.map((d) => d.id), ['sensor-1', 'sensor-2', '0x0102']);
  assert.deepEqual([...devices[2].bytes], [1, 2]);
});

test('a malformed line is refused with its number', () => {
  assert.throws(() => parseCsv('a\nb\n' + 'x'.repeat(65) + '\n'), /line 3: device id .* 1 to 64 bytes/);
  assert.throws(() => parseCsv('a\n,extra\n'), /line 2: no device id/);
  assert.throws(() => parseCsv('a\nb\na\n'), /line 3: device "a" already listed on line 1/);
  assert.throws(() => parseCsv('0xzz\n'), /line 1/);
});
