// An accessibility audit of the screen the page shows now: axe-core's rules with the
// given tags (WCAG 2.1 A and AA), loaded into the page first by AXE_LOAD
// (needs flat_tree.js and screen_key.js). Only
// the violations come back, each element by its CSS path (through shadow
// roots: `host >>> part`) and the start of its HTML.

// What a screen adds to the page: its open dialog, else its open menu (the
// page behind was audited as a screen of its own), else the whole document
// (see openOverlay in screen_key.js). A dialog inside a shadow root is
// audited at its host.
function auditedRegion() {
  const overlay = openOverlay();
  if (!overlay) return document;
  let el = overlay.el;
  while (el.getRootNode() instanceof ShadowRoot) el = el.getRootNode().host;
  return el;
}

// Entry (a promise): { violations: [{ id, impact, help, helpUrl, nodes: [{
// target, html, summary }] }] }, or { needsAxe: true } while the page has not
// this `version` of axe-core.
async function axeAudit(version, tags) {
  if (axeVersion() !== version) return { needsAxe: true };
  try { axe.teardown(); } catch (e) { /* not set up */ }
  const results = await axe.run(auditedRegion(), { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  const path = (t) => (Array.isArray(t) ? t.join(' >>> ') : String(t));
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact || 'minor',
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.map(path).join(' '), html: n.html.slice(0, 300), summary: n.failureSummary || '' })),
  }));
  return { violations };
}
