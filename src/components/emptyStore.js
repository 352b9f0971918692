// The note a page shows instead of a chart when the store has no data for it yet.
import {html} from "htl";

/** @param {string} what  what is missing, e.g. "benchmark results"
 *  @param {string[]} commands  commands that fill it, shown as code */
export function emptyStore(what, commands) {
  return html`<div class="empty-store" data-empty-store>
    <p><strong>No ${what} in the store yet.</strong> Fill it by running, in the project folder:</p>
    <pre>${commands.join("\n")}</pre>
    <p>then reload this page (with <code>npm run dev</code>) or rebuild the report (<code>npm run build</code>).</p>
  </div>`;
}
