// Checks the page-side scripts as Node.js reads them (run by the unit tests
// of src/browser/scripts.rs). Reads `{ files, scripts }` as JSON on stdin:
// - each file ([name, source]) must parse as a script, and hold declarations
//   only at its top level (a library, or a module with an entry function:
//   nothing runs when it is loaded);
// - each script ([name, source]) must compile as the function body the
//   browser gets (its files together: no name declared twice).
// Prints one line per problem; nothing when all is well.
const vm = require('vm');
const { files, scripts } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const problems = [];
const STATEMENT = /^(?:return|if|for|while|do|switch|try|throw|await|document|window|[A-Za-z_$][\w$]*\s*(?:\(|\.|=[^=>]))/;
for (const [name, source] of files) {
  try {
    new vm.Script(source, { filename: `${name}.js` });
  } catch (e) {
    problems.push(`${name}.js does not parse: ${e.message}`);
    continue;
  }
  source.split('\n').forEach((line, i) => {
    if (STATEMENT.test(line)) problems.push(`${name}.js:${i + 1}: a statement at the top level (it would run when loaded): ${line.trim()}`);
  });
}
for (const [name, source] of scripts) {
  try {
    new Function(source);
  } catch (e) {
    problems.push(`${name} does not compile as the browser gets it: ${e.message}`);
  }
}
console.log(problems.join('\n'));
