// A WebDriver-style script (a function body that reads `arguments` and
// returns its answer) run through WebDriver BiDi's script.callFunction: the
// arguments arrive as JSON text plus the elements as nodes; the answer goes
// back as a node, an array of nodes, or JSON text (see `bidiCall` in
// scripts.rs, which puts the script between these two).

// The script's arguments: the JSON values with the nodes put back where the
// elements were. A node of a document the tab has since left (Firefox still
// resolves its shared id) is stale, as WebDriver says of such an element.
function bidiArgs(spec, nodes) {
  const parsed = JSON.parse(spec);
  const args = parsed.values;
  parsed.nodes.forEach((at, i) => {
    if (nodes[i].ownerDocument !== document) throw new Error('stale element: it is no longer on the page');
    args[at] = nodes[i];
  });
  return args;
}

// The script's answer as BiDi sends it back readably: a node or an array of
// nodes as themselves (their shared ids are WebDriver element references),
// anything else as JSON text.
function bidiAnswer(answer) {
  if (answer instanceof Node) return answer;
  if (Array.isArray(answer) && answer.length > 0 && answer.every((x) => x instanceof Node)) return answer;
  return JSON.stringify(answer === undefined ? null : answer);
}
