// The order in which a native date control (<input type=date>) shows its
// parts to a keyboard user: the browser's locale's (en-US: month, day,
// year), which is the order its digits are typed in.

// Entry: e.g. ["month", "day", "year"].
function dateFieldOrder() {
  const parts = new Intl.DateTimeFormat(navigator.language, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(2001, 1, 3));
  return parts.filter((p) => p.type !== 'literal').map((p) => p.type);
}
