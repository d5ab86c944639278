// A little DOM: elements from tag, attributes and children; formatting of chain values.
import { formatBalance } from '@polkadot/util';

/** `h('td', { class: 'num' }, 'text', child)`; `on*` attributes are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A link to a route of the console. */
export const link = (route, text, attrs = {}) => h('a', { href: `#${route}`, ...attrs }, text);

/** A device id in a route (its text form, escaped). */
export const deviceRoute = (fleet, device) => `/fleet/${fleet}/device/${encodeURIComponent(device)}`;
export const useRoute = (fleet, device, epoch) => `/use/${fleet}/${encodeURIComponent(device)}/${epoch}`;

/** An amount in the chain's unit. */
export function balance(api, value) {
  return formatBalance(value, { decimals: api.registry.chainDecimals[0] ?? 12, withUnit: api.registry.chainTokens[0] ?? 'UNIT', forceUnit: '-' });
}

/** Replaces the children of `el`. */
export function show(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

/** An error for the page: the message of a UserError as is, anything else with its kind. */
export function errorText(e) {
  return e?.message ? String(e.message) : String(e);
}

/**
 * Sets `el`'s children to `nodes` unless they are those already, in that order: a view that
 * refreshes every block leaves alone what did not change, so nothing moves under the pointer.
 */
export function keepChildren(el, nodes) {
  const list = nodes.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false);
  const current = [...el.childNodes];
  if (current.length === list.length && current.every((c, i) => c === list[i])) return;
  el.replaceChildren(...list);
}

/** The element built for `key` last time under `id`, or a new one from `build()`. */
export function reuse(cache, id, key, build) {
  const entry = cache.get(id);
  if (entry && entry.key === key) return entry.value;
  const value = build();
  cache.set(id, { key, value });
  return value;
}
