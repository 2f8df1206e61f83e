// Sharing with a provider arrives with its own issue; until then this says so plainly.

import { h, screenHead } from "../ui.js";

export async function render(container) {
  container.append(screenHead("Share with your provider"),
    h("p", {}, "Read-only links for your provider are coming soon."),
    h("p", {}, "Until then, you can download your data as CSV in ", h("a", { href: "/settings" }, "Settings"), "."));
}
