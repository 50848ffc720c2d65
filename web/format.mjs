// Money text from the API's exact decimal string (never from a float sum):
// "US$10 billion", "about CN¥157.9 billion". Shared with the browser test.
const SYMBOL = { USD: 'US$', CNY: 'CN¥', EUR: '€', GBP: '£', JPY: '¥' };
const UNITS = [[12, 'trillion'], [9, 'billion'], [6, 'million']];

export function money(m) {
  if (!m) return '—';
  const [intPart, frac = ''] = String(m.amount).replace(/^-/, '').split('.');
  const neg = String(m.amount).startsWith('-') ? '-' : '';
  const sym = SYMBOL[m.currency] || m.currency + ' ';
  let text = null;
  for (const [exp, word] of UNITS) {
    if (intPart.length > exp) {
      const whole = intPart.slice(0, intPart.length - exp);
      const rest = (intPart.slice(intPart.length - exp) + frac).replace(/0+$/, '');
      text = `${whole}${rest ? '.' + rest : ''} ${word}`; // every digit: never rounded
      break;
    }
  }
  if (text == null) {
    const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const f = frac.replace(/0+$/, '');
    text = grouped + (f ? '.' + f : '');
  }
  return (m.approximate ? 'about ' : '') + neg + sym + text;
}
