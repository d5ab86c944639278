// The device list of register-devices.mjs: one device id per line, checked before anything is sent.
import { hexToU8a } from '@polkadot/util';
import { deviceId, UserError } from './chain.mjs';

/** Device ids of a CSV text, each with its line number; errors name the line. */
export function parseCsv(text) {
  const devices = [];
  const seen = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/#.*/, '').trim();
    if (content === '') return;
    const first = content.split(',')[0].trim().replace(/^"(.*)"$/, '$1');
    if (devices.length === 0 && seen.size === 0 && first.toLowerCase() === 'device') return;
    if (first === '') throw new UserError(`line ${line}: no device id in the first column`);
    const key = deviceId(first, `line ${line}: device id`);
    const bytes = hexToU8a(key);
    if (seen.has(key)) throw new UserError(`line ${line}: device "${first}" already listed on line ${seen.get(key)}`);
    seen.set(key, line);
    devices.push({ id: first, bytes, key, line });
  });
  return devices;
}

