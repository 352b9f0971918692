// Observable Framework configuration. Everything the pages need is bundled from node_modules:
// no CDN, no web fonts, so the built site opens with no network at all.

export default {
  title: "inferscope",
  root: "src",
  // Tests build into a temporary folder from a temporary store.
  output: process.env.INFERSCOPE_DIST ?? "dist",
  // The default theme's Source Serif font comes from Google Fonts; a system font stack keeps pages offline.
  style: "style.css",
  globalStylesheets: [],
  // An inline icon stops browsers asking the server for /favicon.ico.
  head: `<link rel="icon" href="data:,">`,
  // Pages are listed as they land; the sidebar shows them in this order.
  pages: [
    {name: "Overview", path: "/"},
    {name: "Benchmarks", path: "/benchmarks"},
    {name: "Partition", path: "/partition"},
    {name: "Batching", path: "/batching"},
    {name: "Operators", path: "/operators"},
    {name: "Quantization", path: "/quantization"},
    {name: "Timeline", path: "/timeline"},
    {name: "History", path: "/history"}
  ],
  footer: "inferscope: measurements from real runs on the machines named on each page.",
  search: false,
  linkify: true,
  preserveExtension: true
};
