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

// Fuzz-style: random texts (printable, control, quotes, commas, hex prefixes, multi-byte) either
// parse into ids of 1 to 64 bytes, each listed once, or are refused with a UserError naming a
// line — never another exception. The seed is fixed so a failure is reproducible.
test('arbitrary CSV texts parse or are refused with the line named', async () => {
  const { UserError } = await import('../lib.mjs');
  let seed = 0x5eed;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ['a', 'Z', '0', 'x', '0x', ',', '"', '#', ' ', '\t', '\n', '\r\n', 'é', '🔑', '\u0000', 'f', 'device'];
  for (let round = 0; round < 2000; round++) {
    let text = '';
    const length = random(200);
    for (let i = 0; i < length; i++) text += alphabet[random(alphabet.length)];
    try {
      const devices = parseCsv(text);
      const keys = new Set();
      for (const device of devices) {
        assert.ok(device.bytes.length >= 1 && device.bytes.length <= 64, `${JSON.stringify(text)}`);
        assert.ok(!keys.has(device.key), 'each device once');
        keys.add(device.key);
      }
    } catch (error) {
      assert.ok(error instanceof UserError, `${JSON.stringify(text)}: ${error}`);
      assert.match(error.message, /line \d+/);
    }
  }
});
